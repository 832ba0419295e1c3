# Django's French formats, with "à" between the date and the time (`|date:"DATETIME_FORMAT"`).
DATETIME_FORMAT = r"j F Y \à H:i"
