"""What the projects app tells the apps above it, which it must not import (tests/
test_architecture.py): they connect receivers here instead."""

from django.dispatch import Signal

# Sent inside the transaction that publishes decisions of a call (`decisions_publish`) or
# corrects a published one (`decision_correct`), with `call` and `decisions`, the Decision
# rows now public. A receiver that reaches outside defers it with transaction.on_commit, so
# that nothing leaves before the publication is committed.
decisions_published = Signal()
