"""Démarche numérique's GraphQL API (`POST {DEMARCHES_API_URL}`, `Authorization: Bearer`,
a token scoped to démarches): the démarche's champs, its dossiers page by page since a date,
the dossiers deleted since, files, one dossier's id and state, and the decision mutations
(accept, refuse). Built on accounts.outgoing (timeouts, retries, French errors)."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.outgoing import ServiceError, json_of, send

SERVICE = "Démarche numérique"

DEMARCHE_QUERY = """
query getDemarche($demarcheNumber: Int!) {
  demarche(number: $demarcheNumber) {
    number
    title
    state
    activeRevision { champDescriptors { __typename id label type } }
  }
}
"""

DOSSIERS_QUERY = """
query getDossiers($demarcheNumber: Int!, $updatedSince: ISO8601DateTime, $after: String) {
  demarche(number: $demarcheNumber) {
    number
    dossiers(updatedSince: $updatedSince, after: $after, first: 100) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        number
        state
        dateDepot
        dateDerniereModification
        usager { email }
        demandeur {
          __typename
          ... on PersonneMorale { siret entreprise { raisonSociale } }
          ... on PersonnePhysique { civilite nom prenom }
        }
        champs {
          __typename
          id
          label
          stringValue
          ... on DecimalNumberChamp { decimalNumber }
          ... on IntegerNumberChamp { integerNumber }
          ... on CommuneChamp { commune { name code postalCode } }
          ... on PieceJustificativeChamp { files { filename contentType byteSize checksum url } }
        }
      }
    }
  }
}
"""

DELETED_QUERY = """
query getDeletedDossiers($demarcheNumber: Int!, $deletedSince: ISO8601DateTime, $after: String) {
  demarche(number: $demarcheNumber) {
    deletedDossiers(deletedSince: $deletedSince, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { number dateSupression reason }
    }
  }
}
"""

DOSSIER_QUERY = """
query getDossier($dossierNumber: Int!) {
  dossier(number: $dossierNumber) { id number state }
}
"""

DECISION_MUTATIONS = {
    "accepter": """
mutation dossierAccepter($input: DossierAccepterInput!) {
  dossierAccepter(input: $input) { dossier { number state } errors { message } }
}
""",
    "refuser": """
mutation dossierRefuser($input: DossierRefuserInput!) {
  dossierRefuser(input: $input) { dossier { number state } errors { message } }
}
""",
}


@dataclass
class Page:
    nodes: list
    has_next: bool
    end_cursor: str | None


class DemarchesClient:
    def __init__(self, token: str):
        self.token = token

    def _post(self, query: str, variables: dict, *, root: str | None = "demarche") -> dict:
        response = send(
            "POST",
            settings.DEMARCHES_API_URL,
            service=SERVICE,
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
            timeout=settings.DEMARCHES_API_TIMEOUT,
            retries=settings.DEMARCHES_API_RETRIES,
            backoff=settings.DEMARCHES_API_BACKOFF,
            max_wait=settings.DEMARCHES_API_MAX_WAIT,
        )
        if response.status_code in (401, 403):
            raise ServiceError(
                _(
                    "Démarche numérique refuse le jeton : vérifiez-le, ou créez-en un qui "
                    "donne accès à cette démarche."
                ),
                code="refused",
                status=response.status_code,
            )
        if response.status_code >= 400:
            raise ServiceError(
                _("Démarche numérique a refusé la demande (erreur %(status)s).")
                % {"status": response.status_code},
                code="refused",
                status=response.status_code,
            )
        payload = json_of(response, service=SERVICE)
        if not isinstance(payload, dict):
            raise ServiceError(
                _("Démarche numérique a renvoyé une réponse illisible : réessayez plus tard."),
                code="malformed",
            )
        errors = payload.get("errors")
        data = payload.get("data")
        # A démarche that is not found (or not open to the token) comes as `demarche: null`
        # with an error: said as such by `_demarche`. A mutation (`root` None) has no such
        # answer: any top-level error refuses it.
        if errors and not (root and isinstance(data, dict) and root in data):
            first = errors[0] if isinstance(errors, list) and errors else {}
            detail = first.get("message", "") if isinstance(first, dict) else ""
            raise ServiceError(
                _("Démarche numérique refuse la demande : %(detail)s")
                % {"detail": str(detail)[:300] or _("erreur inconnue")},
                code="refused",
            )
        if not isinstance(data, dict):
            raise ServiceError(
                _("Démarche numérique a renvoyé une réponse illisible : réessayez plus tard."),
                code="malformed",
            )
        return data

    def _demarche(self, data: dict) -> dict:
        demarche = data.get("demarche")
        if not isinstance(demarche, dict):
            raise ServiceError(
                _(
                    "Cette démarche est introuvable, ou le jeton n'y donne pas accès : vérifiez "
                    "son numéro et le jeton."
                ),
                code="unknown",
            )
        return demarche

    def demarche(self, number: int) -> dict:
        """{"number", "title", "descriptors": [{"id", "label", "type"}]}."""
        demarche = self._demarche(self._post(DEMARCHE_QUERY, {"demarcheNumber": number}))
        revision = demarche.get("activeRevision") or {}
        descriptors = [
            {
                "id": str(item.get("id", ""))[:100],
                "label": str(item.get("label", ""))[:300],
                "type": str(item.get("type") or item.get("__typename") or "")[:60],
            }
            for item in (revision.get("champDescriptors") or [])
            if isinstance(item, dict) and item.get("id")
        ]
        return {
            "number": number,
            "title": str(demarche.get("title") or "")[:300],
            "descriptors": descriptors,
        }

    def _page(self, connection) -> Page:
        if not isinstance(connection, dict) or not isinstance(connection.get("nodes"), list):
            raise ServiceError(
                _("Démarche numérique a renvoyé une réponse illisible : réessayez plus tard."),
                code="malformed",
            )
        info = connection.get("pageInfo") or {}
        return Page(
            nodes=[node for node in connection["nodes"] if isinstance(node, dict)],
            has_next=bool(info.get("hasNextPage")) and bool(info.get("endCursor")),
            end_cursor=info.get("endCursor"),
        )

    def dossiers(self, number: int, *, updated_since=None, after=None) -> Page:
        variables = {"demarcheNumber": number, "after": after}
        if updated_since is not None:
            variables["updatedSince"] = updated_since.isoformat()
        demarche = self._demarche(self._post(DOSSIERS_QUERY, variables))
        return self._page(demarche.get("dossiers"))

    def deleted_dossiers(self, number: int, *, since=None, after=None) -> Page:
        variables = {"demarcheNumber": number, "after": after}
        if since is not None:
            variables["deletedSince"] = since.isoformat()
        demarche = self._demarche(self._post(DELETED_QUERY, variables))
        return self._page(demarche.get("deletedDossiers"))

    def dossier(self, number: int) -> dict:
        """{"id", "state"} of the dossier numbered `number` (its GraphQL id is what the
        mutations take)."""
        data = self._post(DOSSIER_QUERY, {"dossierNumber": number}, root="dossier")
        dossier = data.get("dossier")
        if not isinstance(dossier, dict) or not dossier.get("id"):
            raise ServiceError(
                _("Le dossier n° %(number)s est introuvable dans Démarche numérique.")
                % {"number": number},
                code="unknown",
            )
        return {"id": str(dossier["id"])[:100], "state": str(dossier.get("state") or "")[:30]}

    def decide(self, action: str, *, dossier_id: str, instructeur_id: str, motivation: str):
        """Accept or refuse a dossier (`action`: a key of DECISION_MUTATIONS) in the name of
        the instructeur; returns the dossier's new state. Démarche numérique's refusal (the
        mutation's `errors`, e.g. a dossier not in instruction) is a ServiceError whose
        message quotes it."""
        name = f"dossier{action.capitalize()}"
        data = self._post(
            DECISION_MUTATIONS[action],
            {
                "input": {
                    "dossierId": dossier_id,
                    "instructeurId": instructeur_id,
                    "motivation": motivation,
                }
            },
            root=None,
        )
        result = data.get(name)
        if not isinstance(result, dict):
            raise ServiceError(
                _("Démarche numérique a renvoyé une réponse illisible : réessayez plus tard."),
                code="malformed",
            )
        errors = result.get("errors") or []
        if errors:
            details = "; ".join(
                str(error.get("message") or "") for error in errors if isinstance(error, dict)
            )
            raise ServiceError(
                _("Démarche numérique refuse la décision : %(detail)s")
                % {"detail": details[:300] or _("erreur inconnue")},
                code="refused",
            )
        dossier = result.get("dossier") if isinstance(result.get("dossier"), dict) else {}
        return str(dossier.get("state") or "")[:30]

    def download(self, url: str, *, max_bytes: int) -> bytes | None:
        """A file's content, or None when it is larger than `max_bytes`."""
        response = send(
            "GET",
            url,
            service=SERVICE,
            stream=True,
            timeout=settings.DEMARCHES_API_TIMEOUT,
            retries=settings.DEMARCHES_API_RETRIES,
            backoff=settings.DEMARCHES_API_BACKOFF,
            max_wait=settings.DEMARCHES_API_MAX_WAIT,
        )
        with response:
            if response.status_code >= 400:
                raise ServiceError(
                    _("Un fichier du dossier n'a pas pu être téléchargé (erreur %(status)s).")
                    % {"status": response.status_code},
                    code="refused",
                    status=response.status_code,
                )
            content = b""
            for chunk in response.iter_content(64 * 1024):
                content += chunk
                if len(content) > max_bytes:
                    return None
        return content
