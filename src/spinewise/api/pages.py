"""The clinician's page and the patient handout: server-rendered, working without JavaScript."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from pydantic import ValidationError

from spinewise.api.deps import AssessorDep
from spinewise.api.errors import field_errors
from spinewise.api.notes import MAX_NOTE_BODY, MAX_NOTE_CHARS, read_note
from spinewise.console import banner, compared_summary, describe_mention
from spinewise.handout import PAPER, handout_for, handout_pdf, languages
from spinewise.model import Assessment, Policy, Presentation, when_ids
from spinewise.rulebook import Rulebook

__all__ = ["build_router", "templates"]

templates = Jinja2Templates(directory=str(files("spinewise.api").joinpath("templates")))
ANSWERS = {"yes": True, "no": False, "unknown": None}
SETTINGS = {
    "": "Not stated",
    "primary_care": "Primary care",
    "emergency": "Emergency department",
    "specialist": "Specialist clinic",
}


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    help: str
    required: bool


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    questions: tuple[Question, ...]


def question_groups(rb: Rulebook, policy: Policy) -> list[Group]:
    """Every question the policy uses, grouped by the first condition it screens for."""
    used = {ref for rule in policy.rules for ref in when_ids(rule.when)} | set(policy.required)
    groups: dict[str, list[Question]] = {cid: [] for cid in rb.conditions}
    groups["other"] = []
    for f in rb.findings.values():
        if f.id not in used:
            continue
        q = Question(f.id, f.question, f.help, f.id in policy.required)
        groups[f.screens[0] if f.screens else "other"].append(q)
    titles = {cid: c.name for cid, c in rb.conditions.items()}
    titles["other"] = "Other scenarios (guidelines)"
    return [Group(gid, titles[gid], tuple(qs)) for gid, qs in groups.items() if qs]


def read_answers(
    form: Mapping[str, Any], rb: Rulebook, groups: list[Group], none_of: list[str]
) -> tuple[dict[str, Any], dict[str, str], list[tuple[str, str]]]:
    """Form fields → a presentation dict, the answers as the form shows them, and problems as
    (field id, plain words naming the field).

    `none_of` lists the groups marked "asked: none of these": each of their findings not
    answered yes is recorded as asked and absent, and the form shows it as "no".
    """
    problems: list[tuple[str, str]] = []
    data: dict[str, Any] = {"findings": {}}
    shown: dict[str, str] = {k: str(v) for k, v in form.items()}
    age = str(form.get("age", "")).strip()
    if age:
        try:
            data["age"] = float(age)
        except ValueError:
            problems.append(("age", f"Age: '{age}' is not a number of years"))
    if form.get("setting"):
        data["setting"] = str(form["setting"])
    for group in groups:
        if group.id in none_of:
            for q in group.questions:
                if shown.get(q.id) != "yes":
                    shown[q.id] = "no"
    for fid in rb.findings:
        answer = shown.get(fid, "unknown")
        if answer not in ANSWERS:
            problems.append((fid, f"{rb.label(fid)}: answer yes, no or unknown, not '{answer}'"))
        elif ANSWERS[answer] is not None:
            data["findings"][fid] = ANSWERS[answer]
    return data, shown, problems


def field_label(field: str, rb: Rulebook) -> str:
    """`age` → `Age`, `findings.fever` → the question, `setting` → `Setting`."""
    last = field.rsplit(".", 1)[-1]
    if last in rb.findings:
        return rb.label(last)
    return last.replace("_", " ").capitalize()


def note_evidence(found: Any) -> dict[str, list[dict[str, Any]]]:
    """For each finding the note mentions, the mentions that decided its answer (or, when it
    stays unknown, those that were set aside): the sentence with the mention marked, and the
    cue that decided it."""
    evidence: dict[str, list[dict[str, Any]]] = {}
    seen: set[tuple[str, str]] = set()
    for m in found.mentions:
        if m.counts_as is not found.findings.get(m.finding) or (m.finding, m.sentence) in seen:
            continue
        seen.add((m.finding, m.sentence))
        at = m.sentence.find(m.text)
        if at >= 0:
            marked = Markup("{}<mark>{}</mark>{}").format(
                m.sentence[:at], m.text, m.sentence[at + len(m.text) :]
            )
        else:
            marked = Markup("{}").format(m.sentence)
        evidence.setdefault(m.finding, []).append(
            {"text": m.text, "sentence": marked, "decided": describe_mention(m)}
        )
    return evidence


def highlight(text: str, mentions: list[Any]) -> Markup:
    """The note as HTML, each mention marked present, absent or (grey) saying nothing."""
    # Of mentions on the same words ("bowel or bladder incontinence" denies the bowels and
    # leaves the bladder unknown), the most decided is marked: present, then absent.
    rank = {True: 0, False: 1, None: 2}
    out: list[str] = []
    cursor = 0
    for m in sorted(mentions, key=lambda m: (m.start, m.end, rank[m.counts_as], m.finding)):
        start, end, counts, finding, cue = m.start, m.end, m.counts_as, m.finding, m.cue
        if start < cursor:
            continue  # overlapping mentions: the first one is marked
        css = {True: "present", False: "absent", None: "neutral"}[counts]
        title = f"{finding}: {cue}" if cue and cue != text[start:end] else finding
        out.append(str(escape(text[cursor:start])))
        # Not by colour alone: each kind has its own line (see app.css) and words for screen
        # readers.
        words = {True: "present", False: "absent", None: "says nothing now"}[counts]
        out.append(
            f'<mark class="{css}" title="{escape(title)}">{escape(text[start:end])}</mark>'
            f'<span class="visually-hidden"> ({words})</span>'
        )
        cursor = end
    out.append(str(escape(text[cursor:])))
    return Markup("".join(out))


def prefilled_link(policy: str, presentation: Presentation) -> str:
    """The page, with these answers filled in (`/?policy=seed&age=62&fever=yes`)."""
    params = {"policy": policy}
    if presentation.age is not None:
        params["age"] = f"{presentation.age:g}"
    params |= {
        fid: "yes" if v else "no" for fid, v in presentation.findings.items() if v is not None
    }
    return "/?" + urlencode(params)


def build_router(rulebook: Rulebook, default_policy: str) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    langs = languages(rulebook)

    def policy_of(value: Any) -> str:
        return str(value) if value in rulebook.policies else default_policy

    def render(
        request: Request,
        *,
        policy: str,
        answers: dict[str, Any],
        result: Assessment | None = None,
        other: Assessment | None = None,
        problems: list[tuple[str, str]] | None = None,
        fragment: bool = False,
        status: int = 200,
        note: dict[str, Any] | None = None,
    ) -> HTMLResponse:
        groups = question_groups(rulebook, rulebook.policies[policy])
        title = None
        if result is not None:
            title = banner(result)[0].capitalize()
        elif problems:
            title = "Not assessed: " + problems[0][1]
        context = {
            "note": note,
            "rb": rulebook,
            "policy": rulebook.policies[policy],
            "policies": rulebook.policies,
            "groups": groups,
            "none_of": {
                g.id for g in groups if all(answers.get(q.id) == "no" for q in g.questions)
            },
            "answers": answers,
            "settings": SETTINGS,
            "result": result,
            "other": other,
            "compared": compared_summary(result.compared, rulebook)
            if result and result.compared
            else None,
            "problems": problems or [],
            "invalid": {field for field, _ in problems or []},
            "unanswered": set(result.unanswered) if result else set(),
            "ask_first": set(result.ask_before_ordering) if result else set(),
            "title": title,
            "today": date.today().isoformat(),
            "languages": langs,
            "papers": PAPER,
        }
        name = "_result.html" if fragment else "index.html"
        return templates.TemplateResponse(request, name, context, status_code=status)

    @router.get("/", response_class=HTMLResponse)
    def page(request: Request) -> HTMLResponse:
        # Answers may be pre-filled from the query (`?age=62&fever=yes`), e.g. from an EHR link.
        params = request.query_params
        answers = {
            k: v for k, v in params.items() if k in rulebook.findings or k in ("age", "setting")
        }
        return render(request, policy=policy_of(params.get("policy")), answers=answers)

    @router.post("/", response_class=HTMLResponse)
    async def submit(request: Request, service: AssessorDep) -> HTMLResponse:
        form = await request.form()
        fields = {k: str(v) for k, v in form.items()}
        policy = policy_of(fields.get("policy"))
        fragment = request.headers.get("x-fragment") == "result"
        groups = question_groups(rulebook, rulebook.policies[policy])
        none_of = [str(v) for v in form.getlist("none")]
        data, answers, problems = read_answers(fields, rulebook, groups, none_of)
        if not problems:
            try:
                presentation = service.presentation(data)
            except ValidationError as exc:
                problems = [
                    (p["field"].rsplit(".", 1)[-1], f"{field_label(p['field'], rulebook)}: "
                     f"{p['message']}")
                    for p in field_errors(exc.errors(), drop=())
                ]  # fmt: skip
        if problems:
            return render(
                request, policy=policy, answers=answers, problems=problems,
                fragment=fragment, status=422,
            )  # fmt: skip
        result = await service.assess(presentation, policy, channel="page")
        others = [p for p in rulebook.policies if p != policy]
        other = service.preview(presentation, others[0]) if others else None
        return render(
            request, policy=policy, answers=answers, result=result, other=other, fragment=fragment
        )

    @router.post("/note", response_class=HTMLResponse, max_body_size=MAX_NOTE_BODY)
    async def read_note_into_form(request: Request) -> HTMLResponse:
        """Pre-fill the answers from a pasted note, with the evidence beside each; nothing is
        assessed (or logged) until the clinician confirms or edits and presses Assess."""
        form = await request.form()
        policy = policy_of(form.get("policy"))
        text = str(form.get("note", ""))[:MAX_NOTE_CHARS]
        found = await run_in_threadpool(read_note, text) if text.strip() else None
        if found is None:
            problem = "the note extractor is not installed" if text.strip() else "the note is empty"
            return render(
                request, policy=policy, answers={}, problems=[("note", f"Note: {problem}")],
                status=422,
            )  # fmt: skip
        answers: dict[str, Any] = {
            fid: "yes" if value else "no"
            for fid, value in found.findings.items()
            if value is not None
        }
        if found.age is not None:
            answers["age"] = f"{found.age:g}"
        note = {
            "text": text,
            "html": highlight(text, found.mentions),
            "evidence": note_evidence(found),
        }
        return render(request, policy=policy, answers=answers, note=note)

    def handout_view(
        request: Request, service: Any, assessment_id: str
    ) -> tuple[Any, Response | None, str]:
        """The handout for a logged assessment in the language asked for, or the page that
        says why not (an unknown language names `lang`, and the ones there are)."""
        lang = request.query_params.get("lang", "en")
        if lang not in langs:
            known = ", ".join(langs)
            return None, _message(request, 422, f"lang: '{lang}' is not a handout language "
                                  f"(choose one of {known})."), lang  # fmt: skip
        try:
            logged = service.logged(assessment_id)
        except ValidationError as exc:  # logged before a rule of input changed (adults only)
            problems = "; ".join(
                f"{p['field']}: {p['message']}" for p in field_errors(exc.errors(), drop=())
            )
            return None, _message(request, 422, f"No handout: {problems}."), lang
        if logged is None:
            return None, _message(request, 404, "No such assessment."), lang
        present = [fid for fid, value in logged.presentation.findings.items() if value]
        view = handout_for(
            logged.assessment, rulebook, lang, present=present, setting=logged.presentation.setting
        )
        if view is None:
            # Answer the open questions first: back to the page, with what is known filled in.
            return (
                None,
                _message(
                    request,
                    409,
                    "No handout yet: some red-flag questions are still open. Answer them, then "
                    "print the handout from the page.",
                    link=prefilled_link(logged.assessment.policy.id, logged.presentation),
                ),
                lang,
            )
        return view, None, lang

    # The PDF route first: `{assessment_id}` alone would also match `id.pdf`.
    @router.get("/handout/{assessment_id}.pdf")
    def handout_as_pdf(request: Request, assessment_id: str, service: AssessorDep) -> Response:
        paper = request.query_params.get("paper", "letter")
        if paper not in PAPER:
            return _message(request, 422, f"paper: '{paper}' is not a paper size (letter or a4).")
        view, problem, lang = handout_view(request, service, assessment_id)
        if problem is not None:
            return problem
        filename = f"spinewise-handout-{assessment_id[:8]}-{lang}.pdf"
        return Response(
            handout_pdf(view, paper),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
        )

    @router.get("/handout/{assessment_id}", response_class=HTMLResponse)
    def handout(request: Request, assessment_id: str, service: AssessorDep) -> Response:
        view, problem, _ = handout_view(request, service, assessment_id)
        if problem is not None:
            return problem
        return templates.TemplateResponse(
            request,
            "handout.html",
            {"view": view, "assessment_id": assessment_id, "languages": langs, "papers": PAPER},
        )

    def _message(request: Request, status: int, text: str, link: str = "/") -> HTMLResponse:
        return templates.TemplateResponse(
            request, "message.html", {"text": text, "link": link}, status_code=status
        )

    return router
