"""Which screen is this: decided from what is written and how it is laid out, never from where.

1. The look: each definition's colour rules over the content (where the text is).
2. The title: the largest text lines near the top of the content are read, best first (a
   wrapped heading with its next line), and compared with every definition's titles as whole
   headings.
3. The structure: a matching title and look are not enough for a screen the flow acts on; its
   ``needs`` (tile, labels or QR code) must be found too.
4. Screens without titles (any OOBE page) pass on their look and structure when no titled screen
   did. Anything else is ``unknown``: unknown beats wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from harness.vision.colour import content_hsv, rule_passes, share_in_range
from harness.vision.definitions import DefinitionSet, ScreenDefinition
from harness.vision.fuzzy import title_similarity
from harness.vision.needles import NeedleSet
from harness.vision.observation import Candidate, Evidence, Observation, ScreenState
from harness.vision.page import WORD_GAP, Page
from harness.vision.qr_area import on_qr, page_qr_area
from harness.vision.structure import check_needs
from harness.vision.text_lines import TextLine

MAX_TITLE_READS = 3
_LOOK_WEIGHT = 0.3


@dataclass
class Decision:
    """What classification found, kept for field extraction."""

    definition: ScreenDefinition | None = None
    title: str | None = None
    """The canonical title that matched."""
    title_lines: list[TextLine] = field(default_factory=list)


@dataclass
class _Look:
    passed: bool
    score: float
    evidence: list[Evidence]


class ScreenClassifier:
    def __init__(self, definitions: DefinitionSet, needles: NeedleSet, language: str) -> None:
        self.definitions = definitions
        self.needles = needles
        self.language = language

    def classify(self, page: Page) -> tuple[Observation, Decision]:
        looks = self._looks(page)
        titled = [d for d in self.definitions.screens if d.titles]
        best_title: dict[str, tuple[float, str, list[TextLine]]] = {}
        failed: list[Evidence] = []
        titled_look_passed = False  # a flow title in its look: never call it another page
        # The modules of a QR code make "lines" larger than any title: they are not text.
        qr_area = page_qr_area(page)
        candidates = [line for line in page.title_candidates() if not on_qr(line, qr_area)]
        for line in candidates[:MAX_TITLE_READS]:
            # A heading may wrap: the line alone and with the line under it are both tried
            # (the line under a one-line title is often a subheading of about its size), and
            # with the line above it, when the line is the second half of a wrapped title.
            headings = [[line]]
            following = page.continuation(line)
            if following is not None:
                headings.append([line, following])
            preceding = page.preceding(line)
            if preceding is not None:
                headings.append([preceding, line])
            matched = []
            texts = ["\n".join(page.glance(part).text for part in heading) for heading in headings]
            for definition in titled:
                best: tuple[float, str, list[TextLine], str] | None = None
                for heading, text in zip(headings, texts, strict=True):
                    # Only a score above this definition's best so far can count.
                    known = best_title.get(definition.name, (0.0,))[0]
                    score, title = _best_title(definition, text, max(known, best[0] if best else 0))
                    if best is None or score > best[0]:
                        best = (score, title, heading, text)
                if best is None:
                    continue
                score, title, heading, text = best
                if score > best_title.get(definition.name, (0.0,))[0]:
                    best_title[definition.name] = (score, title, heading)
                if score >= 1.0 - definition.title_tolerance:
                    matched.append((score, definition, title, heading, text))
            for score, definition, title, heading, text in sorted(matched, key=lambda m: -m[0]):
                look = looks[definition.name]
                if not look.passed:
                    failed.append(_title_evidence(definition, score, title, text, heading))
                    continue
                titled_look_passed = True
                labels = self._labels(definition)
                ok, structure = check_needs(page, definition.needs, heading, labels)
                title_evidence = _title_evidence(definition, score, title, text, heading)
                if not ok:
                    failed.extend([title_evidence, *structure])
                    continue
                confidence = 0.6 * score + _LOOK_WEIGHT * look.score + 0.1
                evidence = [title_evidence, *look.evidence, *structure]
                return self._passed(definition, confidence, evidence, title, heading)
        needle = self._needle(page, looks)
        if needle is not None:
            return needle
        for definition in self.definitions.screens:
            if titled_look_passed or definition.titles or not looks[definition.name].passed:
                continue
            ok, structure = check_needs(page, definition.needs, [], self._labels(definition))
            if ok:
                look = looks[definition.name]
                evidence = [*look.evidence, *structure]
                heading, text = _page_heading(page)
                return self._passed(definition, 0.3 + 0.4 * look.score, evidence, text, heading)
        return self._unknown(page, looks, best_title, failed)

    def _passed(
        self,
        definition: ScreenDefinition,
        confidence: float,
        evidence: list[Evidence],
        title: str | None,
        heading: list[TextLine],
    ) -> tuple[Observation, Decision]:
        observation = Observation(
            definition.state,
            round(min(1.0, confidence), 3),
            windows=definition.windows,
            evidence=(Evidence(f"screen:{definition.name}", 1.0, definition.source), *evidence),
        )
        return observation, Decision(definition, title, heading)

    def _labels(self, definition: ScreenDefinition) -> dict[str, tuple[str, ...]]:
        return self.definitions.labels_for(definition.windows, self.language)

    def _looks(self, page: Page) -> dict[str, _Look]:
        small = page.small if page.small is not None else page.image
        scale = page.scale if page.small is not None else 1.0
        hsv = content_hsv(small, tuple(round(v * scale) for v in page.content))
        looks: dict[str, _Look] = {}
        by_rules: dict[tuple[object, ...], _Look] = {}
        for definition in self.definitions.screens:
            key = tuple(definition.colours)
            if key in by_rules:
                shared = by_rules[key]
                evidence = [
                    replace(item, rule=f"{definition.name}:look:{item.rule.rsplit(':', 1)[-1]}")
                    for item in shared.evidence
                ]
                looks[definition.name] = _Look(shared.passed, shared.score, evidence)
                continue
            evidence: list[Evidence] = []
            parts: list[float] = []
            passed = True
            for rule in definition.colours:
                share = share_in_range(hsv, rule)
                passed = passed and rule_passes(share, rule)
                fraction = min(1.0, share / rule.min_share) if rule.min_share > 0 else 1.0
                parts.append(fraction if share <= rule.max_share else 0.0)
                evidence.append(
                    Evidence(
                        f"{definition.name}:look:{rule.name}",
                        round(share, 3),
                        f"share {share:.2f} of the content, needs "
                        f"{rule.min_share:.2f}..{rule.max_share:.2f}",
                        page.content,
                    )
                )
            score = sum(parts) / len(parts) if parts else 1.0
            looks[definition.name] = by_rules[key] = _Look(passed, score, evidence)
        return looks

    def _needle(self, page: Page, looks: dict[str, _Look]) -> tuple[Observation, Decision] | None:
        """A lab's own needle recognises its screen where OCR fails (only where the look does)."""
        for definition in self.definitions.screens:
            if not definition.needle_tags or not looks[definition.name].passed:
                continue
            match = self.needles.best_match(page.image, page.area, definition.needle_tags)
            if match is not None and match.passed:
                evidence = [
                    Evidence(
                        f"needle:{match.name}", round(match.score, 3), match.detail, match.box
                    ),
                    *looks[definition.name].evidence,
                ]
                return self._passed(definition, match.score, evidence, None, [])
        return None

    def _unknown(
        self,
        page: Page,
        looks: dict[str, _Look],
        best_title: dict[str, tuple[float, str, list[TextLine]]],
        failed: list[Evidence],
    ) -> tuple[Observation, Decision]:
        scored = []
        for definition in self.definitions.screens:
            title_score = best_title.get(definition.name, (0.0,))[0] if definition.titles else 0.0
            look_score = looks[definition.name].score
            scored.append(
                ((1 - _LOOK_WEIGHT) * title_score + _LOOK_WEIGHT * look_score, definition)
            )
        scored.sort(key=lambda item: -item[0])
        candidates = tuple(
            Candidate(definition.state, round(score, 3), definition.name)
            for score, definition in scored[:3]
        )
        read = [
            Evidence("text", round(item.confidence, 3), repr(item.text), item.box)
            for item in page.already_read()
        ]
        evidence = (
            Evidence("lines", float(len(page.lines)), "text lines detected"),
            *failed,
            *read,
        )
        return Observation(
            ScreenState.UNKNOWN, 0.0, evidence=evidence, candidates=candidates
        ), Decision()


def _page_heading(page: Page) -> tuple[list[TextLine], str | None]:
    """The heading of a page no definition titles (any OOBE page): its largest text nearest the
    top, with the line it wraps onto. It names the page in reports, never its state."""
    candidates = page.title_candidates()
    if not candidates:
        return [], None
    heading = page.whole_row(candidates[0], WORD_GAP)
    preceding = page.preceding(heading[0])
    if preceding is not None:  # the candidate is the second line of a wrapped heading
        heading = [*page.whole_row(preceding, WORD_GAP), *heading]
    following = page.continuation(heading[-1])
    if following is not None:
        heading.extend(page.row_pieces(following))
    text = " ".join(page.glance(line).text for line in heading).strip()
    return heading, text or None


def _best_title(definition: ScreenDefinition, text: str, beat: float = 0.0) -> tuple[float, str]:
    """The best of ``definition``'s titles for ``text``: (0, "") when none can ``beat``."""
    best = (0.0, "")
    for title in definition.titles:
        score = title_similarity(text, title, max(beat, best[0]))
        if score > best[0]:
            best = (score, title)
    return best


def _title_evidence(
    definition: ScreenDefinition, score: float, title: str, text: str, heading: list[TextLine]
) -> Evidence:
    x0 = min(line.x for line in heading)
    y0 = min(line.y for line in heading)
    x1 = max(line.right for line in heading)
    y1 = max(line.bottom for line in heading)
    return Evidence(
        f"{definition.name}:title",
        round(score, 3),
        f"{title!r} read as {text!r}",
        (x0, y0, x1 - x0, y1 - y0),
    )
