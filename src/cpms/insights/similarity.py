"""Similar cases: HPO semantic similarity of two cases' phenotypes, plus their
shared diagnosis codes.

The method (``docs/insights.md``, with its sources):

- term similarity (Resnik 1995): the information content of the most
  informative common ancestor of the two terms, ``IC(t) = -log p(t)`` from the
  ORPHA annotations (``build_data.py``);
- set similarity: the symmetric best-match average of Köhler et al. 2009
  (Phenomizer) and Pesquita et al. 2009: each term of one set takes its best
  match in the other, averaged, both ways, and the two averages averaged;
- normalised to 0..1 by the sets' own self-similarity (a set matched with
  itself scores the mean IC of its terms): ``(Q->C + C->Q) / (IC(Q) + IC(C))``
  with ``IC(X)`` the mean IC of ``X``'s terms; 1 for the same terms;
- plus ``ORPHA_BONUS`` per shared ORPHA code and ``ICD10_BONUS`` per shared
  ICD-10 code, the total capped at 1. A case without HPO terms is similar
  only by its codes.

Everything is vectorised with numpy over the whole network at once: for each
of the asking case's terms, one row over all HPO terms holds its similarity
to every term (``Phenotypes.similarity_rows``); gathering the rows at the
candidates' terms (one flat array, CSR pointers per case) and reducing each
case's segment (``np.maximum.reduceat``) gives every case's score in one
pass. The cases' terms and codes come from the catalog's ``case_codes``
index (no metadata record is read), kept per process until the catalog
changes (its counter), so a request wakes no case but the asking one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from dataclasses import field

import numpy as np
from AccessControl import getSecurityManager
from DateTime import DateTime
from plone import api
from zExceptions import BadRequest
from zope.globalrequest import getRequest
from zope.i18n import translate

from cpms import _
from cpms.cases import states
from cpms.coding.index import hpo_index
from cpms.coding.index import icd10_index
from cpms.coding.index import orpha_index
from cpms.insights import build_data
from cpms.insights.tokens import token_for

# Each shared diagnosis code adds this much to a score (capped at 1): two
# cases with the same ORPHA diagnosis are worth a look whatever their terms.
ORPHA_BONUS = 0.2
ICD10_BONUS = 0.1
# A case at least this similar counts as similar (shown, or counted
# "elsewhere"); calibrated on the synthetic network (docs/insights.md).
THRESHOLD = 0.3
# At most this many hidden similar cases (the most similar) are counted and
# named by tokens, among the CANDIDATE_MAX most similar cases.
ELSEWHERE_MAX = 20
CANDIDATE_MAX = 200
# A limit the services accept.
MAX_LIMIT = 50
ICD10_PREFIX = "ICD10:"
# Cases in these states are never candidates (withdrawn: the patient or the
# clinician took it back; an erased case has no codes left anyway).
EXCLUDED_STATES = (states.WITHDRAWN,)

METHOD = _(
    "HPO semantic similarity: Resnik information content from the ORPHA "
    "annotations, symmetric best-match average normalised to 0-1 (Köhler et "
    "al. 2009; Pesquita et al. 2009), plus ${orpha} per shared ORPHA code and "
    "${icd10} per shared ICD-10 code.",
    mapping={"orpha": ORPHA_BONUS, "icd10": ICD10_BONUS},
)


# --- the ontology data, loaded once per process --------------------------------


class Phenotypes:
    """HPO terms (ancestors, IC) and the diseases' annotations, as arrays."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        self.numbers = arrays["terms"]
        self.ic = arrays["ic"].astype(np.float32)
        self.anc_ptr = arrays["anc_ptr"]
        self.anc_idx = arrays["anc_idx"]
        self.par_ptr = arrays["par_ptr"]
        self.par_idx = arrays["par_idx"]
        self.renamed = dict(
            zip(arrays["alt_from"].tolist(), arrays["alt_to"].tolist(), strict=True)
        )
        self.disease_codes = arrays["dis_codes"].tolist()
        self.disease_names = arrays["dis_names"].tolist()
        self.disease_position = {c: i for i, c in enumerate(self.disease_codes)}
        self.dis_ptr = arrays["dis_ptr"]
        self.dis_idx = arrays["dis_idx"]
        self.dis_freq = arrays["dis_freq"]
        count = len(self.numbers)
        # Descendants (self included) from the ancestors: the same pairs,
        # grouped the other way round.
        rows = np.repeat(np.arange(count, dtype=np.int32), np.diff(self.anc_ptr))
        order = np.argsort(self.anc_idx, kind="stable")
        self.desc_idx = rows[order]
        self.desc_ptr = np.zeros(count + 1, dtype=np.int64)
        self.desc_ptr[1:] = np.cumsum(np.bincount(self.anc_idx, minlength=count))
        # Each term's ancestors, least informative first (see similarity_rows).
        self._ancestors_by_ic = [None] * count
        self.diseases = TermSets(self.dis_ptr, self.dis_idx, self.ic)

    def __len__(self):
        return len(self.numbers)

    def index(self, codes) -> np.ndarray:
        """Positions of the HPO codes among the terms (old ids mapped to
        their current term, unknown ones left out), without repeats."""
        numbers = []
        for code in codes:
            if isinstance(code, str) and code.startswith("HP:"):
                try:
                    number = int(code[3:])
                except ValueError:
                    continue
                numbers.append(self.renamed.get(number, number))
        if not numbers:
            return np.zeros(0, dtype=np.int32)
        wanted = np.unique(np.array(numbers, dtype=np.int32))
        found = np.searchsorted(self.numbers, wanted)
        found = found[found < len(self.numbers)]
        return found[self.numbers[found] == wanted[: len(found)]].astype(np.int32)

    def code(self, position: int) -> str:
        return f"HP:{int(self.numbers[position]):07d}"

    def ancestors(self, position: int) -> np.ndarray:
        return self.anc_idx[self.anc_ptr[position] : self.anc_ptr[position + 1]]

    def descendants(self, position: int) -> np.ndarray:
        return self.desc_idx[self.desc_ptr[position] : self.desc_ptr[position + 1]]

    def parents(self, position: int) -> np.ndarray:
        return self.par_idx[self.par_ptr[position] : self.par_ptr[position + 1]]

    def _ordered_ancestors(self, position: int) -> np.ndarray:
        found = self._ancestors_by_ic[position]
        if found is None:
            ancestors = self.ancestors(position)
            ancestors = ancestors[self.ic[ancestors] > 0]
            found = ancestors[np.argsort(self.ic[ancestors], kind="stable")]
            self._ancestors_by_ic[position] = found
        return found

    def similarity_rows(self, query: np.ndarray) -> np.ndarray:
        """``rows[i, t]`` = IC of the most informative common ancestor of the
        query's i-th term and term ``t`` (Resnik).

        The common ancestors of ``q`` and ``t`` are the ancestors of ``q``
        that ``t`` descends from: writing each ancestor's IC over its
        descendants, least informative first, leaves the largest one.
        """
        rows = np.zeros((len(query), len(self.numbers)), dtype=np.float32)
        for i, position in enumerate(query):
            row = rows[i]
            for ancestor in self._ordered_ancestors(int(position)):
                row[self.descendants(int(ancestor))] = self.ic[ancestor]
        return rows

    def self_similarity(self, positions: np.ndarray) -> float:
        return float(self.ic[positions].mean()) if len(positions) else 0.0


_data_lock = threading.Lock()
_data: list[Phenotypes] = []


def data() -> Phenotypes:
    """The phenotype data of this process (read on first use, ~0.3 s)."""
    if not _data:
        with _data_lock:
            if not _data:
                _data.append(Phenotypes(build_data.read()))
    return _data[0]


# --- sets of terms and their best-match averages ----------------------------


class TermSets:
    """Many term sets as one flat array of term positions with CSR pointers."""

    def __init__(self, ptr: np.ndarray, idx: np.ndarray, ic: np.ndarray):
        self.ptr = np.asarray(ptr, dtype=np.int64)
        self.idx = np.asarray(idx, dtype=np.int32)
        self.counts = np.diff(self.ptr)
        self.nonempty = np.flatnonzero(self.counts > 0)
        self.starts = self.ptr[:-1][self.nonempty]
        self.self_ic = np.zeros(len(self.counts), dtype=np.float32)
        if len(self.idx):
            self.self_ic[self.nonempty] = (
                np.add.reduceat(ic[self.idx], self.starts) / self.counts[self.nonempty]
            )

    def __len__(self):
        return len(self.counts)

    def terms(self, row: int) -> np.ndarray:
        return self.idx[self.ptr[row] : self.ptr[row + 1]]

    @classmethod
    def of(cls, rows: list[np.ndarray], ic: np.ndarray) -> TermSets:
        ptr = np.zeros(len(rows) + 1, dtype=np.int64)
        ptr[1:] = np.cumsum([len(r) for r in rows])
        idx = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int32)
        return cls(ptr, idx.astype(np.int32), ic)


def best_match_averages(rows: np.ndarray, sets: TermSets, backward_too=True):
    """Per set: (query -> set, set -> query) best-match averages (zeros for
    empty sets or an empty query; ``backward_too=False``: only the first)."""
    forward = np.zeros(len(sets), dtype=np.float32)
    backward = np.zeros(len(sets), dtype=np.float32)
    if not len(rows) or not len(sets.idx):
        return forward, backward
    gathered = rows[:, sets.idx]  # (query terms, every term of every set)
    best_per_query_term = np.maximum.reduceat(gathered, sets.starts, axis=1)
    forward[sets.nonempty] = best_per_query_term.mean(axis=0)
    if not backward_too:
        return forward, backward
    best_per_set_term = gathered.max(axis=0)
    backward[sets.nonempty] = (
        np.add.reduceat(best_per_set_term, sets.starts) / sets.counts[sets.nonempty]
    )
    return forward, backward


def phenotype_scores(query: np.ndarray, sets: TermSets, hpo: Phenotypes) -> np.ndarray:
    """Symmetric best-match average of the query with each set, 0..1."""
    if not len(query):
        return np.zeros(len(sets), dtype=np.float32)
    rows = hpo.similarity_rows(query)
    forward, backward = best_match_averages(rows, sets)
    norm = hpo.self_similarity(query) + sets.self_ic
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(norm > 0, (forward + backward) / norm, 0.0)
    return np.clip(scores, 0.0, 1.0).astype(np.float32)


# --- a network of cases -------------------------------------------------------


@dataclass
class Profile:
    """What similarity reads of a case: HPO terms, ORPHA and ICD-10 codes."""

    hpo: tuple[str, ...] = ()
    orpha: tuple[str, ...] = ()
    icd10: tuple[str, ...] = ()

    @classmethod
    def of_codes(cls, codes) -> Profile:
        """From the catalog's ``case_phenotype`` (HP:, ORPHA:, ICD10: codes)."""
        codes = tuple(codes or ())
        return cls(
            hpo=tuple(c for c in codes if c.startswith("HP:")),
            orpha=tuple(c for c in codes if c.startswith("ORPHA:")),
            icd10=tuple(
                c[len(ICD10_PREFIX) :] for c in codes if c.startswith(ICD10_PREFIX)
            ),
        )

    @classmethod
    def of_index_codes(cls, codes) -> Profile:
        """From the ``case_codes`` index's entry of a case: ICD-10 codes
        stand there bare (``Q64.1``), beside ``HP:`` and ``ORPHA:`` codes."""
        codes = sorted(codes or ())
        return cls(
            hpo=tuple(c for c in codes if c.startswith("HP:")),
            orpha=tuple(c for c in codes if c.startswith("ORPHA:")),
            icd10=tuple(c for c in codes if not c.startswith(("HP:", "ORPHA:"))),
        )

    @classmethod
    def of_case(cls, case) -> Profile:
        return cls.of_codes(case_phenotype_codes(case))

    def codes(self) -> tuple[str, ...]:
        return (
            *self.hpo,
            *self.orpha,
            *(f"{ICD10_PREFIX}{code}" for code in self.icd10),
        )


def case_phenotype_codes(case) -> tuple[str, ...]:
    """A case's HPO terms, ORPHA codes and ICD-10 codes (``ICD10:`` before
    them), each sorted: the catalog metadata ``case_phenotype``."""
    hpo = sorted({c for c in getattr(case, "hpo_terms", None) or () if c})
    orpha = sorted({c for c in getattr(case, "orpha_codes", None) or () if c})
    icd10 = sorted(
        {c.strip().upper() for c in getattr(case, "icd10_codes", None) or () if c}
    )
    return (*hpo, *orpha, *(f"{ICD10_PREFIX}{c}" for c in icd10))


@dataclass
class Network:
    """Every candidate case's profile, as arrays for scoring."""

    uids: list[str]
    profiles: list[Profile]
    hpo: Phenotypes
    sets: TermSets = field(init=False)
    by_code: dict[str, np.ndarray] = field(init=False)
    position: dict[str, int] = field(init=False)

    def __post_init__(self):
        self.position = {uid: i for i, uid in enumerate(self.uids)}
        self.sets = TermSets.of(
            [self.hpo.index(p.hpo) for p in self.profiles], self.hpo.ic
        )
        holders: dict[str, list[int]] = {}
        for i, profile in enumerate(self.profiles):
            for code in {*profile.orpha, *(ICD10_PREFIX + c for c in profile.icd10)}:
                holders.setdefault(code, []).append(i)
        self.by_code = {c: np.array(v, dtype=np.int64) for c, v in holders.items()}

    def __len__(self):
        return len(self.uids)

    def scores(self, profile: Profile) -> np.ndarray:
        """Every case's similarity to ``profile``, 0..1."""
        scores = phenotype_scores(self.hpo.index(profile.hpo), self.sets, self.hpo)
        bonus = np.zeros(len(self), dtype=np.float32)
        for code in set(profile.orpha):
            if code in self.by_code:
                bonus[self.by_code[code]] += ORPHA_BONUS
        for code in set(profile.icd10):
            key = ICD10_PREFIX + code
            if key in self.by_code:
                bonus[self.by_code[key]] += ICD10_BONUS
        return np.minimum(scores + bonus, 1.0)

    def ranked(
        self,
        profile: Profile,
        exclude: str | None = None,
        threshold=THRESHOLD,
        limit: int | None = None,
    ):
        """(uid, score) of the cases at least ``threshold`` similar, best
        first; the first ``limit`` of them (all when None)."""
        scores = self.scores(profile)
        if exclude is not None and exclude in self.position:
            scores[self.position[exclude]] = -1.0
        above = np.flatnonzero(scores >= threshold)
        # Best first; equal scores in a stable order (the catalog's). Only
        # the pairs asked for are made: at 100,000 cases tens of thousands
        # may pass the threshold.
        order = above[np.argsort(-scores[above], kind="stable")][:limit]
        return [(self.uids[i], round(float(scores[i]), 3)) for i in order]


_network_lock = threading.Lock()
_networks: dict[str, tuple[tuple, Network]] = {}


def _catalog_version(catalog):
    """What names the catalog's committed state: its change counter and the
    transaction that last changed it. None while the current transaction
    has changed the catalog (an aborted transaction could bring the same
    counter back with other content, so that state is never cached)."""
    counter = catalog.getCounter()  # also indexes what is queued
    length = getattr(catalog, "_counter", None)
    if length is None:
        return (counter, b"")
    if length._p_changed:
        return None
    return (counter, length._p_serial)


def _current(records, rid: int) -> bool:
    """Whether ``rid`` is the record the catalog (``records``: the ZCatalog's
    ``Catalog``) holds for its path now.

    A record whose path maps to another record is left over: an indexer
    that searched the catalog while a new case was being indexed once made
    two records of one path, the older one with stale metadata
    (``indexers.case_country`` no longer does; tested by
    ``tests/insights/test_catalog_records.py``). Reading such a record would
    rank a case by terms it no longer has.
    """
    return rid is not None and records.uids.get(records.paths.get(rid)) == rid


def network() -> Network:
    """The site's candidate cases, rebuilt when the catalog has changed.

    Read from the catalog's indexes without the user's permissions (the
    ranking needs every case; what the user is shown is filtered
    afterwards), with the withdrawn cases left out. Indexes, not metadata:
    a case's record holds a dozen dates, each a DateTime to unpickle, and
    reading 100,000 records took 20 s; the indexes' entries by record id
    are plain strings.
    """
    catalog = api.portal.get_tool("portal_catalog")
    key = "/".join(catalog.getPhysicalPath())
    version = _catalog_version(catalog)
    cached = _networks.get(key)
    if version is not None and cached is not None and cached[0] == version:
        return cached[1]
    with _network_lock:
        cached = _networks.get(key)
        if version is not None and cached is not None and cached[0] == version:
            return cached[1]
        uids, profiles = _candidates(catalog._catalog)
        built = Network(uids, profiles, data())
        if version is not None:
            _networks[key] = (version, built)
        return built


def _candidates(records) -> tuple[list[str], list[Profile]]:
    """(uids, profiles) of the cases with terms or codes, withdrawn ones
    left out, in record order; from the ``portal_type``, ``review_state``,
    ``UID`` and ``case_codes`` indexes (``records``: the ZCatalog's
    ``Catalog``)."""
    cases = records.getIndex("portal_type")._index.get("Case")
    if cases is None:
        return [], []
    if isinstance(cases, int):  # one case: the index keeps the bare record id
        cases = (cases,)
    state = records.getIndex("review_state").getEntryForObject
    uid = records.getIndex("UID").getEntryForObject
    codes_of = records.getIndex("case_codes").getEntryForObject
    uids, profiles, seen = [], [], set()
    for rid in cases:
        if not _current(records, rid):
            continue
        codes = codes_of(rid)
        if not codes or state(rid) in EXCLUDED_STATES:
            continue
        case_uid = uid(rid)
        if case_uid in seen:
            continue
        seen.add(case_uid)
        uids.append(case_uid)
        profiles.append(Profile.of_index_codes(codes))
    return uids, profiles


def limit_from(request, default: int, maximum: int = MAX_LIMIT) -> int:
    """``?limit=`` of a request: a whole number from 1 to ``maximum``; a 400
    in the services' error shape naming the field otherwise."""
    raw = request.form.get("limit")
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = 0
    if not 1 <= value <= maximum:
        raise BadRequest(
            _(
                "limit: give a whole number from 1 to ${maximum} (got '${value}').",
                mapping={"maximum": maximum, "value": str(raw)[:20]},
            )
        )
    return value


# --- what the user is shown -----------------------------------------------------


def _named(codes, index) -> list[dict]:
    out = []
    for code in codes:
        entry = index.get(code)
        out.append({"code": code, "title": entry.name if entry else code})
    return out


def shared_terms(
    query: tuple[str, ...], other: tuple[str, ...], hpo: Phenotypes
) -> list[str]:
    """The asking case's terms that the other case has too: the same term, a
    more specific one (which implies it), or failing that the other case's
    most informative more general term of it (never the top terms)."""
    mine = hpo.index(query)
    theirs = hpo.index(other)
    if not len(mine) or not len(theirs):
        return []
    theirs_set = set(theirs.tolist())
    shared = []
    for position in mine.tolist():
        if theirs_set & set(hpo.descendants(position).tolist()):
            shared.append(position)
            continue
        general = [
            a
            for a in hpo.ancestors(position).tolist()
            if a in theirs_set and hpo.ic[a] >= 1.0
        ]
        if general:
            shared.append(max(general, key=lambda a: hpo.ic[a]))
    seen = []
    for position in shared:
        if position not in seen:
            seen.append(position)
    return [hpo.code(p) for p in seen]


def candidate_uids(case) -> list[str]:
    """The cases that may be counted "elsewhere" for ``case``: the
    ``CANDIDATE_MAX`` most similar ones at or above ``THRESHOLD``, whoever
    asks (a token resolves only among these)."""
    ranked = network().ranked(
        Profile.of_case(case), exclude=case.UID(), limit=CANDIDATE_MAX
    )
    return [uid for uid, _score in ranked]


def _item(brain, score, profile, other, hpo) -> dict:
    return {
        "uid": brain.UID,
        "case_id": brain.Title,
        "title": brain.case_nickname or brain.Title,
        "url": brain.getURL(),
        "state": brain.review_state,
        "score": score,
        "shared_hpo": _named(shared_terms(profile.hpo, other.hpo, hpo), hpo_index()),
        "shared_orpha": _named(
            [c for c in profile.orpha if c in other.orpha], orpha_index()
        ),
        "shared_icd10": _named(
            [c for c in profile.icd10 if c in other.icd10], icd10_index()
        ),
    }


def _viewable(catalog):
    """A test ``rid -> bool``: whether the current user may find the record
    in a search, asked of the indexes record by record.

    The same filter as ``catalog.searchResults`` (the user's
    ``allowedRolesAndUsers`` tokens, guests' live grants included, and the
    effective range unless they may see inactive content), without its
    unions of those postings over every case: a search over the 200 most
    similar cases cost 550 ms with an empty cache at 100,000 cases.
    """
    records = catalog._catalog
    user = getSecurityManager().getUser()
    index = records.getIndex("allowedRolesAndUsers")
    postings = [
        found
        for token in catalog._listAllowedRolesAndUsers(user)
        if (found := index._index.get(token)) is not None
    ]
    dates = None
    if not catalog.allow_inactive({}):
        dates = records.getIndex("effectiveRange")
        now = dates._convertDateTime(DateTime())

    def viewable(rid: int) -> bool:
        if not any(rid == p if isinstance(p, int) else rid in p for p in postings):
            return False
        if dates is None:
            return True
        since, until = dates._unindex.get(rid, (None, None))
        return (since is None or since <= now) and (until is None or now <= until)

    return viewable


def similar_cases(case, limit: int = 5, request=None) -> dict:
    """The cases most similar to ``case`` that the current user may view,
    and how many similar ones they cannot see (named only by tokens).

    Who may view what is asked of the indexes record by record
    (``_viewable``); only the records of the cases shown are read.
    """
    catalog = api.portal.get_tool("portal_catalog")
    records = catalog._catalog
    net = network()
    profile = Profile.of_case(case)
    source = case.UID()
    ranked = net.ranked(profile, exclude=source, limit=CANDIDATE_MAX)
    rid_of = records.getIndex("UID")._index.get
    viewable = _viewable(catalog)
    items, hidden = [], []
    for uid, score in ranked:
        rid = rid_of(uid)
        if not (_current(records, rid) and viewable(rid)):
            if len(hidden) < ELSEWHERE_MAX:
                hidden.append(uid)
        elif len(items) < limit:
            brain = records[rid].__of__(catalog)
            other = net.profiles[net.position[uid]]
            items.append(_item(brain, score, profile, other, net.hpo))
        if len(items) >= limit and len(hidden) >= ELSEWHERE_MAX:
            break
    return {
        "items": items,
        "elsewhere": {
            "count": len(hidden),
            "tokens": [token_for(source, uid) for uid in hidden],
        },
        "method": translate(METHOD, context=request or getRequest()),
    }
