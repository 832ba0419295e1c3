"""Local stand-ins for the State's services, speaking their published protocols over HTTP on
loopback (none of the real services is reachable from the machines that build and test):

- `fake_companies`: API Recherche d'entreprises (`GET /search?q=`), results shaped like its
  schema (siege, complements, nature_juridique…), with scripted 429 + Retry-After, slow
  answers (timeouts), malformed JSON and unknown numbers;
- `fake_demarches`: Démarche numérique's GraphQL endpoint (`demarche(number){dossiers(
  updatedSince, after)}`, `deletedDossiers`, champs, demandeur, attachments served as files,
  `dossier(number)`, and the `dossierAccepter` / `dossierRefuser` mutations, recorded);
- `fake_proconnect`: an OpenID Connect provider (discovery, JWKS, authorization, token
  endpoint with a signed ID token, userinfo as a signed JWT, end of session).

Each runs an http.server in a thread for one test, records the requests it received, and
answers what the test scripted first (`script`), then its normal answers.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from accounts.validators import luhn_valid


@dataclass
class Received:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes


@dataclass
class Answer:
    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (a timeout for the client)


class FakeServer:
    """An HTTP server on 127.0.0.1 (a free port) answering with `self.answer(received)`."""

    def __init__(self):
        self.received: list[Received] = []
        self.script: list[Answer] = []  # answered first, one per request, before `answer`
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                parsed = urlparse(self.path)
                received = Received(
                    method=self.command,
                    path=parsed.path,
                    query={k: v[-1] for k, v in parse_qs(parsed.query).items()},
                    headers=dict(self.headers),
                    body=self.rfile.read(length) if length else b"",
                )
                fake.received.append(received)
                answer = fake.script.pop(0) if fake.script else fake.answer(received)
                if answer.delay:
                    time.sleep(answer.delay)
                body = answer.body
                headers = dict(answer.headers)
                if isinstance(body, dict | list):
                    body = json.dumps(body).encode()
                    headers.setdefault("Content-Type", "application/json")
                elif isinstance(body, str):
                    body = body.encode()
                try:
                    self.send_response(answer.status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

            do_GET = do_POST = _handle

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def answer(self, received: Received) -> Answer:  # pragma: no cover - overridden
        return Answer(404, {"erreur": "inconnu"})

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# --- API Recherche d'entreprises -----------------------------------------------------------


def company_result(
    *,
    siren: str,
    name: str,
    nature_juridique: str = "9220",
    commune: str = "80021",
    siret: str = "",
    est_ess: bool = False,
    est_siae: bool = False,
    est_association: bool = False,
    identifiant_association: str | None = None,
    est_societe_mission: bool = False,
    etat_administratif: str = "A",
) -> dict:
    """One `results[]` item as the API publishes it (the fields the client reads, and a few
    more it must ignore)."""
    siret = siret or next(
        f"{siren}0001{digit}" for digit in range(10) if luhn_valid(f"{siren}0001{digit}")
    )
    return {
        "siren": siren,
        "nom_complet": name.upper(),
        "nom_raison_sociale": name.upper(),
        "sigle": None,
        "nombre_etablissements": 1,
        "nombre_etablissements_ouverts": 1,
        "siege": {
            "activite_principale": "88.99B",
            "adresse": "1 RUE DE LA REPUBLIQUE 80000 AMIENS",
            "code_postal": "80000",
            "commune": commune,
            "departement": commune[:2],
            "region": "32",
            "epci": "248000531",
            "etat_administratif": "A",
            "libelle_commune": "AMIENS",
            "siret": siret,
            "est_siege": True,
        },
        "activite_principale": "88.99B",
        "categorie_entreprise": "PME",
        "date_creation": "2012-03-01",
        "etat_administratif": etat_administratif,
        "nature_juridique": nature_juridique,
        "section_activite_principale": "Q",
        "tranche_effectif_salarie": "11",
        "dirigeants": [],
        "matching_etablissements": [
            {"siret": siret, "commune": commune, "est_siege": True, "etat_administratif": "A"}
        ],
        "finances": None,
        "complements": {
            "collectivite_territoriale": None,
            "convention_collective_renseignee": False,
            "est_entrepreneur_individuel": False,
            "est_ess": est_ess,
            "est_finess": False,
            "est_association": est_association,
            "identifiant_association": identifiant_association,
            "est_rge": False,
            "est_siae": est_siae,
            "est_societe_mission": est_societe_mission,
            "est_qualiopi": False,
            "type_siae": "AI" if est_siae else None,
        },
    }


class FakeCompanies(FakeServer):
    def __init__(self):
        super().__init__()
        self.companies: dict[str, dict] = {}

    def add(self, **kwargs) -> dict:
        result = company_result(**kwargs)
        self.companies[result["siren"]] = result
        return result

    def answer(self, received):
        if received.path != "/search":
            return Answer(404, {"erreur": "Not found"})
        q = received.query.get("q", "").replace(" ", "")
        if not q:
            return Answer(400, {"erreur": "Veuillez indiquer au moins un paramètre de recherche."})
        found = self.companies.get(q[:9]) if q.isdigit() else None
        results = [found] if found else []
        return Answer(
            200,
            {
                "results": results,
                "total_results": len(results),
                "page": 1,
                "per_page": 5,
                "total_pages": 1 if results else 0,
            },
        )


# SIRENs with a right Luhn key (accounts.validators).
SIREN_ASSO = "775672272"
SIREN_SCOP = "552100554"
SIREN_UNKNOWN = "732829320"


@pytest.fixture
def fake_companies(settings):
    fake = FakeCompanies().start()
    fake.add(
        siren=SIREN_ASSO,
        name="Jardins partagés d'Amiens",
        nature_juridique="9220",
        commune="80021",
        est_ess=True,
        est_association=True,
        identifiant_association="W802001234",
    )
    fake.add(
        siren=SIREN_SCOP,
        name="Coop Atelier",
        nature_juridique="5458",
        commune="59350",
        est_ess=True,
        est_societe_mission=True,
    )
    settings.COMPANIES_API_URL = fake.url
    settings.COMPANIES_API_TIMEOUT = 0.5
    settings.COMPANIES_API_RETRIES = 2
    settings.COMPANIES_API_MAX_WAIT = 1
    settings.COMPANIES_API_BACKOFF = 0.05
    yield fake
    fake.stop()


# --- Démarche numérique (GraphQL API v2) ---------------------------------------------------

DEMARCHE_NUMBER = 4242
DEMARCHE_TOKEN = "jeton-de-test-demarche"
# An instructeur's GraphQL id, as « Mon profil » shows it: base64 of "Instructeur-<id>".
INSTRUCTEUR_ID = "SW5zdHJ1Y3RldXItNDI="
# What a decision mutation leaves a dossier in, and the French words of its states (the
# mutation's refusal quotes them, as Démarche numérique does).
DECIDED_STATES = {"dossierAccepter": "accepte", "dossierRefuser": "refuse"}
STATE_WORDS = {
    "brouillon": "brouillon",
    "en_construction": "en construction",
    "en_instruction": "en instruction",
    "accepte": "accepté",
    "refuse": "refusé",
    "sans_suite": "classé sans suite",
}


def champ_id(n: int) -> str:
    """Champ ids as the API gives them: base64 of "Champ-<stable id>"."""
    import base64

    return base64.b64encode(f"Champ-{n}".encode()).decode()


DESCRIPTORS = [
    {
        "__typename": "TextChampDescriptor",
        "id": champ_id(1),
        "label": "Nom du projet",
        "type": "text",
    },
    {
        "__typename": "TextareaChampDescriptor",
        "id": champ_id(2),
        "label": "Présentation",
        "type": "textarea",
    },
    {
        "__typename": "DecimalNumberChampDescriptor",
        "id": champ_id(3),
        "label": "Montant sollicité",
        "type": "decimal_number",
    },
    {
        "__typename": "CommuneChampDescriptor",
        "id": champ_id(4),
        "label": "Commune du projet",
        "type": "communes",
    },
    {
        "__typename": "PieceJustificativeChampDescriptor",
        "id": champ_id(5),
        "label": "Budget prévisionnel",
        "type": "piece_justificative",
    },
]
FIELD_MAP = {
    "title": champ_id(1),
    "summary": champ_id(2),
    "amount_requested": champ_id(3),
    "commune": champ_id(4),
}


def dossier_node(
    number: int,
    *,
    title: str,
    modified: str,
    siret: str = "",
    email: str = "",
    amount: float | None = 12000.0,
    commune: tuple[str, str] = ("80021", "Amiens"),
    files: list[dict] | None = None,
    summary: str = "Un jardin partagé au pied des immeubles.",
    state: str = "en_construction",
) -> dict:
    """A dossier as `demarche { dossiers { nodes } }` returns it."""
    demandeur = (
        {
            "__typename": "PersonneMorale",
            "siret": siret,
            "entreprise": {"raisonSociale": f"STRUCTURE {siret}"},
        }
        if siret
        else {"__typename": "PersonnePhysique", "civilite": "Mme", "nom": "Martin", "prenom": "Léa"}
    )
    return {
        "id": f"RG9zc2llci0{number}",
        "number": number,
        "state": state,
        "dateDepot": "2026-11-02T10:00:00+01:00",
        "dateDerniereModification": modified,
        "usager": {"email": email or f"usager{number}@example.fr"},
        "demandeur": demandeur,
        "champs": [
            {
                "__typename": "TextChamp",
                "id": champ_id(1),
                "label": "Nom du projet",
                "stringValue": title,
            },
            {
                "__typename": "TextChamp",
                "id": champ_id(2),
                "label": "Présentation",
                "stringValue": summary,
            },
            {
                "__typename": "DecimalNumberChamp",
                "id": champ_id(3),
                "label": "Montant sollicité",
                "stringValue": "" if amount is None else str(amount),
                "decimalNumber": amount,
            },
            {
                "__typename": "CommuneChamp",
                "id": champ_id(4),
                "label": "Commune du projet",
                "stringValue": f"{commune[1]} ({commune[0]})",
                "commune": {"name": commune[1], "code": commune[0], "postalCode": "80000"},
            },
            {
                "__typename": "PieceJustificativeChamp",
                "id": champ_id(5),
                "label": "Budget prévisionnel",
                "stringValue": "",
                "files": files or [],
            },
        ],
    }


class FakeDemarches(FakeServer):
    """The GraphQL endpoint at /api/v2/graphql and the files at /fichiers/<name>."""

    page_size = 2

    def __init__(self):
        super().__init__()
        self.title = "Appel à projets innovation sociale 2026"
        self.dossiers: dict[int, dict] = {}
        self.deleted: list[dict] = []
        self.files: dict[str, bytes] = {}
        self.instructeurs = {INSTRUCTEUR_ID}
        self.mutations: list[dict] = []  # decisions received: {"name", "input"}

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v2/graphql"

    def file(self, name: str, content: bytes) -> dict:
        self.files[name] = content
        return {
            "filename": name,
            "contentType": "application/pdf",
            "byteSize": len(content),
            "checksum": f"sum-{name}-{len(content)}",
            "url": f"{self.url}/fichiers/{name}",
        }

    def graphql_requests(self) -> list[dict]:
        return [json.loads(r.body) for r in self.received if r.path == "/api/v2/graphql"]

    def _connection(self, items, after):
        start = int(after) if after and str(after).isdigit() else 0
        chunk = items[start : start + self.page_size]
        end = start + len(chunk)
        return {
            "pageInfo": {"hasNextPage": end < len(items), "endCursor": str(end) if chunk else None},
            "nodes": chunk,
        }

    def answer(self, received):
        if received.path.startswith("/fichiers/"):
            name = received.path.rsplit("/", 1)[-1]
            if name not in self.files:
                return Answer(404, "")
            return Answer(200, self.files[name], headers={"Content-Type": "application/pdf"})
        if received.path != "/api/v2/graphql" or received.method != "POST":
            return Answer(404, {"errors": [{"message": "Not found"}]})
        if received.headers.get("Authorization") != f"Bearer {DEMARCHE_TOKEN}":
            return Answer(
                401,
                {"errors": [{"message": "Without a token, only persisted queries are allowed"}]},
            )
        try:
            body = json.loads(received.body)
            query, variables = body["query"], body.get("variables") or {}
        except (ValueError, KeyError, TypeError):
            return Answer(400, {"errors": [{"message": "No query string was present"}]})
        if "getDossier(" in query:
            return self._dossier(variables.get("dossierNumber"))
        for name in DECIDED_STATES:
            if f"{name}(input" in query:
                return self._decide(name, variables.get("input") or {})
        if variables.get("demarcheNumber") != DEMARCHE_NUMBER:
            return Answer(
                200,
                {
                    "data": {"demarche": None},
                    "errors": [
                        {"message": "Demarche not found", "extensions": {"code": "not_found"}}
                    ],
                },
            )
        if "getDemarche" in query:
            demarche = {
                "number": DEMARCHE_NUMBER,
                "title": self.title,
                "state": "publiee",
                "activeRevision": {"champDescriptors": DESCRIPTORS},
            }
        elif "getDossiers" in query:
            since = variables.get("updatedSince")
            items = sorted(
                (
                    node
                    for node in self.dossiers.values()
                    if not since
                    or datetime.fromisoformat(node["dateDerniereModification"])
                    > datetime.fromisoformat(since)
                ),
                key=lambda node: node["number"],
            )
            demarche = {
                "number": DEMARCHE_NUMBER,
                "dossiers": self._connection(items, variables.get("after")),
            }
        elif "getDeletedDossiers" in query:
            since = variables.get("deletedSince")
            items = [
                d
                for d in self.deleted
                if not since
                or datetime.fromisoformat(d["dateSupression"]) > datetime.fromisoformat(since)
            ]
            demarche = {"deletedDossiers": self._connection(items, variables.get("after"))}
        else:
            return Answer(200, {"errors": [{"message": "Unknown query"}]})
        return Answer(200, {"data": {"demarche": demarche}})

    def _dossier(self, number):
        node = self.dossiers.get(number)
        if node is None:
            return Answer(
                200,
                {
                    "data": None,
                    "errors": [
                        {"message": "Dossier not found", "extensions": {"code": "not_found"}}
                    ],
                },
            )
        return Answer(
            200,
            {"data": {"dossier": {k: node[k] for k in ("id", "number", "state")}}},
        )

    def _decide(self, name, payload):
        """As Démarche numérique: an unknown dossier or instructeur is a top-level error; a
        dossier not in instruction is the mutation's own `errors`; else the dossier takes
        its new state. Every mutation received is recorded."""
        self.mutations.append({"name": name, "input": payload})
        node = next(
            (n for n in self.dossiers.values() if n["id"] == payload.get("dossierId")), None
        )
        if node is None or payload.get("instructeurId") not in self.instructeurs:
            field = "dossierId" if node is None else "instructeurId"
            return Answer(
                200,
                {"data": {name: None}, "errors": [{"message": f"Invalid input: {field}"}]},
            )
        if name == "dossierRefuser" and not payload.get("motivation"):
            return Answer(
                200,
                {"data": {name: None}, "errors": [{"message": "Motivation is required"}]},
            )
        if node["state"] != "en_instruction":
            word = STATE_WORDS.get(node["state"], node["state"])
            return Answer(
                200,
                {
                    "data": {
                        name: {
                            "dossier": None,
                            "errors": [{"message": f"Le dossier est déjà {word}"}],
                        }
                    }
                },
            )
        node["state"] = DECIDED_STATES[name]
        return Answer(
            200,
            {
                "data": {
                    name: {
                        "dossier": {"number": node["number"], "state": node["state"]},
                        "errors": None,
                    }
                }
            },
        )


@pytest.fixture
def fake_demarches(settings):
    fake = FakeDemarches().start()
    settings.DEMARCHES_API_URL = fake.api_url
    settings.DEMARCHES_API_TIMEOUT = 1
    settings.DEMARCHES_API_RETRIES = 1
    settings.DEMARCHES_API_BACKOFF = 0.05
    settings.DEMARCHES_API_MAX_WAIT = 1
    yield fake
    fake.stop()


# --- ProConnect (OpenID Connect provider) ------------------------------------------------

PROCONNECT_CLIENT = "evalis-test"
PROCONNECT_SECRET = "secret-de-test"


class FakeProConnect(FakeServer):
    """Discovery, JWKS, authorize (records the request), token (an ID token signed with the
    provider's RSA key, carrying the nonce of the authorisation request), userinfo (a
    signed JWT, `application/jwt`, as ProConnect answers) and session/end (RP-initiated
    logout: an `id_token_hint` it issued ends that session, and the browser is sent to the
    `post_logout_redirect_uri` with the `state`)."""

    def __init__(self):
        import jwt as pyjwt
        from cryptography.hazmat.primitives.asymmetric import rsa

        super().__init__()
        self.jwt = pyjwt
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "cle-de-test"
        self.claims = {
            "sub": "f1d1e5a6-agent",
            "uid": "1234",
            "email": "agent@region.example.fr",
            "given_name": "Camille",
            "usual_name": "Durand",
            "siret": "77567227200017",
        }
        self.nonce = None
        self.sign_with = self.key  # a test may sign with another key (forged)
        self.id_tokens: list[str] = []  # issued, in order
        self.ended: list[str] = []  # the ID tokens whose session was ended

    @property
    def base(self) -> str:
        return f"{self.url}/api/v2"

    def _sign(self, payload: dict) -> str:
        return self.jwt.encode(
            payload, self.sign_with, algorithm="RS256", headers={"kid": self.kid}
        )

    def answer(self, received):
        now = int(time.time())
        path = received.path.removeprefix("/api/v2")
        if path == "/.well-known/openid-configuration":
            return Answer(
                200,
                {
                    "issuer": self.base,
                    "authorization_endpoint": f"{self.base}/authorize",
                    "token_endpoint": f"{self.base}/token",
                    "userinfo_endpoint": f"{self.base}/userinfo",
                    "jwks_uri": f"{self.base}/jwks",
                    "end_session_endpoint": f"{self.base}/session/end",
                    "id_token_signing_alg_values_supported": ["RS256", "ES256"],
                    "userinfo_signing_alg_values_supported": ["RS256", "ES256"],
                    "scopes_supported": [
                        "openid",
                        "email",
                        "given_name",
                        "usual_name",
                        "uid",
                        "siret",
                    ],
                },
            )
        if path == "/jwks":
            jwk = self.jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
            return Answer(200, {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]})
        if path == "/authorize":
            self.nonce = received.query.get("nonce")
            return Answer(200, "<html>ProConnect</html>", headers={"Content-Type": "text/html"})
        if path == "/token":
            form = {k: v[-1] for k, v in parse_qs(received.body.decode()).items()}
            if form.get("client_secret") != PROCONNECT_SECRET or form.get("code") != "code-ok":
                return Answer(400, {"error": "invalid_grant"})
            id_token = self._sign(
                {
                    "iss": self.base,
                    "aud": PROCONNECT_CLIENT,
                    "sub": self.claims["sub"],
                    "iat": now,
                    "exp": now + 60,
                    "nonce": self.nonce,
                    "acr": "eidas1",
                }
            )
            self.id_tokens.append(id_token)
            return Answer(
                200,
                {
                    "access_token": "acces-ok",
                    "token_type": "Bearer",
                    "expires_in": 60,
                    "id_token": id_token,
                },
            )
        if path == "/userinfo":
            if received.headers.get("Authorization") != "Bearer acces-ok":
                return Answer(401, {"error": "invalid_token"})
            token = self._sign(
                {
                    "iss": self.base,
                    "aud": PROCONNECT_CLIENT,
                    "iat": now,
                    "exp": now + 60,
                    **self.claims,
                }
            )
            return Answer(200, token, headers={"Content-Type": "application/jwt"})
        if path == "/session/end":
            hint = received.query.get("id_token_hint")
            back = received.query.get("post_logout_redirect_uri")
            if hint not in self.id_tokens or not back:
                return Answer(400, "<html>Déconnexion refusée</html>")
            self.ended.append(hint)
            state = received.query.get("state", "")
            return Answer(302, headers={"Location": f"{back}?{urlencode({'state': state})}"})
        return Answer(404, {"error": "not_found"})


@pytest.fixture
def fake_proconnect(settings):
    fake = FakeProConnect().start()
    settings.PROCONNECT_ENABLED = True
    settings.PROCONNECT_CLIENT_ID = settings.OIDC_RP_CLIENT_ID = PROCONNECT_CLIENT
    settings.PROCONNECT_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET = PROCONNECT_SECRET
    settings.PROCONNECT_DOMAIN = fake.base
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{fake.base}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{fake.base}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{fake.base}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{fake.base}/jwks"
    settings.OIDC_OP_LOGOUT_ENDPOINT = f"{fake.base}/session/end"
    yield fake
    fake.stop()
