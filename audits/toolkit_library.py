"""
The three standard toolkits QAF ships, written from the source frameworks.

- Practice Review: seed 003 (Sandwell), "what good looks like for children and families".
- Thematic Review (Neglect): seed 003 "Thematic Reviews" and seed 001 (thematic audit).
- Practice Observation: seed 003 "Practice Observations" and seed 001 "Practice observation".
- IRO / CP chair case feedback: seed 000 "short, focused case feedback forms completed by the IRO
  or CP chair after each conference or review" and seed 002 (IRO feedback and management alerts).

`install_standard_toolkits()` creates and publishes version 1 of each one that does not exist yet;
it never touches an existing toolkit, so a QA Manager's own versions are safe.
"""

from django.db import transaction
from django.utils import timezone

from .models import AnswerKind, Question, Section, Toolkit, ToolkitKind, ToolkitVersion

G, YPN, TEXT = AnswerKind.GRADED, AnswerKind.YES_PARTLY_NO, AnswerKind.FREE_TEXT

# (section title, section guidance, [(question, guidance, answer kind, required, may be N/A)])
PRACTICE_REVIEW = [
    (
        "Assessment",
        "All children have a high-quality assessment in which they have been involved, reflecting "
        "their and their family's or carers' experiences, wishes, feelings and needs, written so "
        "that they understand their situation and what needs to change.",
        [
            (
                "How good is the assessment, and how well does it reflect the child's and family's "
                "(or carers') experiences, wishes, feelings and needs?",
                "Was the child involved? Look for the child's lived experience and analysis rather "
                "than description.",
                G,
                True,
                False,
            ),
            (
                "Is the assessment written so that the child and family can understand their situation "
                "and what needs to change?",
                "Plain language, no jargon, written to or with the family.",
                YPN,
                True,
                False,
            ),
            (
                "Did direct work and evidence-based tools inform the assessment and its analysis?",
                "",
                YPN,
                True,
                False,
            ),
            ("Is the assessment up to date and completed within timescales?", "", YPN, True, False),
        ],
    ),
    (
        "SMART plan",
        "All children have a SMART plan which explains what needs to happen, by when, who by, what "
        "outcomes we are seeking together, how any need or risk is being managed, and what the "
        "contingency plan is.",
        [
            (
                "How good is the child's plan?",
                "Specific, measurable, achievable, relevant and timed; simple and easy for the child "
                "and family to understand.",
                G,
                True,
                False,
            ),
            ("Is there a clear contingency plan?", "", YPN, True, False),
            ("Was the plan written with the child and family?", "", YPN, True, False),
        ],
    ),
    (
        "Support and direct work",
        "Every child receives purposeful, evidence-based wraparound support and a plan of direct "
        "work, delivered by the right service and the right person, with partner agencies working "
        "together for collective and sustained support.",
        [
            (
                "How effective is the support and direct work with the child and family?",
                "Look for purposeful visits and records of direct work with the child.",
                G,
                True,
                False,
            ),
            (
                "How well are partner agencies working together to support the child and family?",
                "Answer 'not applicable' only when no other agency is involved.",
                G,
                True,
                True,
            ),
        ],
    ),
    (
        "Recording",
        "Records are purposeful, well written and timely, so that everyone can understand significant "
        "events, the plan, the purpose of actions and interactions, and the progress made for the "
        "child and family.",
        [
            (
                "How good is the quality of recording?",
                "Would the child understand their record if they read it later in life?",
                G,
                True,
                False,
            ),
            ("Is there an up-to-date chronology of significant events?", "", YPN, True, False),
        ],
    ),
    (
        "Practice model",
        "Every practitioner and carer involved as a key professional uses the practice model "
        "(strengths-based and relational) in assessing, intervening and planning, or caring.",
        [
            (
                "How well is the practice model evident in the work with this family?",
                "Strengths-based, relational and trauma-informed practice; family networks involved.",
                G,
                True,
                False,
            )
        ],
    ),
    (
        "Management oversight and supervision",
        "Every practitioner and carer involved as a key professional receives management oversight, "
        "including reflective supervision, monitoring and quality assurance of the work.",
        [
            (
                "How effective are management oversight and supervision on this case?",
                "Recorded, reflective supervision that drives the plan; decisions with clear rationale.",
                G,
                True,
                False,
            ),
            ("Is supervision happening at the expected frequency?", "", YPN, True, False),
        ],
    ),
    (
        "Voice of the child",
        "The child's wishes and feelings are sought, recorded and influence the plan.",
        [
            (
                "How well is the child's voice heard and acted on?",
                "Seen alone where appropriate; their words recorded; evidence that their views changed "
                "what happened.",
                G,
                True,
                False,
            ),
            ("Record the child's own words where available.", "", TEXT, False, False),
        ],
    ),
    (
        "Impact and progress",
        "We review and evaluate the impact, tracking progress towards agreed outcomes and "
        "determining the next steps.",
        [
            (
                "What difference has our involvement made to the child's lived experience?",
                "Measurable improvement in outcomes; is the child safer and better supported?",
                G,
                True,
                False,
            ),
            ("Is progress against the plan reviewed and next steps clear?", "", YPN, True, False),
        ],
    ),
]

THEMATIC_NEGLECT = [
    (
        "Identifying neglect",
        "How well is neglect recognised, including its cumulative impact over time?",
        [
            (
                "How well has the impact of neglect on the child been identified and understood?",
                "Look for a chronology showing patterns over time and the child's lived experience "
                "day to day.",
                G,
                True,
                False,
            ),
            (
                "Was an evidence-based neglect tool (e.g. a graded care profile) used?",
                "",
                YPN,
                True,
                False,
            ),
        ],
    ),
    (
        "Planning and intervention",
        "Plans address the neglect, with timescales that fit the child's needs, not the adults'.",
        [
            ("How effective is the plan in addressing the neglect?", "", G, True, False),
            (
                "Is drift or delay evident?",
                "Consider repeated plans, missed reviews, step-downs and re-referrals.",
                YPN,
                True,
                False,
            ),
        ],
    ),
    (
        "Impact for the child",
        "What difference has our involvement made to the child's day-to-day experience?",
        [
            (
                "What difference has the intervention made to the neglect the child experiences?",
                "",
                G,
                True,
                False,
            ),
            (
                "What learning does this case offer about our response to neglect?",
                "",
                TEXT,
                False,
                False,
            ),
        ],
    ),
]

PRACTICE_OBSERVATION = [
    (
        "Preparation and purpose",
        "Observations are learning opportunities: agree what is being observed, why, and how it will "
        "be used.",
        [
            (
                "What was observed (for example a home visit, a meeting or a conference), and which "
                "aspects of practice were agreed as the focus?",
                "Note the context, what you were looking for, why, and how you would know when you "
                "saw it.",
                TEXT,
                True,
                False,
            ),
            (
                "Was the purpose of the visit or meeting clear to the family and the practitioner?",
                "",
                YPN,
                True,
                False,
            ),
        ],
    ),
    (
        "Relationships and communication",
        "How the practitioner communicates with the child and family and builds relationships.",
        [
            (
                "How well does the practitioner build and sustain a relationship with the child and "
                "family?",
                "Relational, strengths-based and trauma-informed practice.",
                G,
                True,
                False,
            ),
            (
                "How well does the practitioner communicate with the child, in a way suited to their age "
                "and understanding?",
                "",
                G,
                True,
                True,
            ),
        ],
    ),
    (
        "Skills and knowledge",
        "The quality of the practitioner's practice experience, knowledge and skills.",
        [
            (
                "How well does the practitioner use their knowledge and skills to explore risk and need?",
                "",
                G,
                True,
                False,
            )
        ],
    ),
    (
        "Reflection",
        "Reflecting afterwards gives the observer and practitioner a clear picture of strengths and "
        "areas for development.",
        [
            (
                "What are the practitioner's strengths, in their own view and the observer's?",
                "",
                TEXT,
                True,
                False,
            ),
            ("What are the areas for development?", "", TEXT, True, False),
        ],
    ),
]

IRO_FEEDBACK = [
    (
        "Case feedback",
        "A short, focused view of the case after the conference or review: under two minutes.",
        [
            (
                "What impact is the support having on the child's lived experience?",
                "Is the child safer, and are their day-to-day life and outcomes improving?",
                G,
                True,
                False,
            ),
            (
                "How good is the child's plan?",
                "Specific, measurable, achievable, relevant and timed; understood by the child and "
                "family.",
                G,
                True,
                False,
            ),
            ("Has there been progress since the last meeting?", "", YPN, True, False),
            ("Was the child's voice heard?", "In the meeting and in the plan.", YPN, True, False),
        ],
    ),
]

STANDARD_TOOLKITS = [
    (ToolkitKind.PRACTICE_REVIEW, "Practice Review", "",
     "A collaborative review of the child's records, with the practitioner and the family, "
     "against what good looks like for children and families.", PRACTICE_REVIEW),
    (ToolkitKind.THEMATIC_REVIEW, "Thematic Review: Neglect", "Neglect",
     "A tailored tool for reviewing our response to neglect.", THEMATIC_NEGLECT),
    (ToolkitKind.PRACTICE_OBSERVATION, "Practice Observation", "",
     "Observing a visit or meeting: a learning opportunity for practitioner and observer.",
     PRACTICE_OBSERVATION),
    (ToolkitKind.IRO_FEEDBACK, "IRO / CP chair case feedback", "",
     "Short case feedback by the IRO or CP chair after each conference or looked-after review.",
     IRO_FEEDBACK),
]  # fmt: skip


@transaction.atomic
def install_standard_toolkits(actor=None) -> list[Toolkit]:
    installed = []
    for kind, name, theme, description, sections in STANDARD_TOOLKITS:
        toolkit, created = Toolkit.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "theme": theme,
                "description": description,
                "created_by": actor,
            },
        )
        if not created:
            continue
        version = ToolkitVersion.objects.create(
            toolkit=toolkit,
            number=1,
            status=ToolkitVersion.Status.PUBLISHED,
            change_note="Standard toolkit shipped with QAF.",
            created_by=actor,
            published_at=timezone.now(),
            published_by=actor,
        )
        for s_pos, (title, guidance, questions) in enumerate(sections, start=1):
            section = Section.objects.create(
                version=version, position=s_pos, title=title, guidance=guidance
            )
            Question.objects.bulk_create(
                Question(
                    section=section,
                    position=q_pos,
                    text=text,
                    guidance=q_guidance,
                    answer_kind=answer_kind,
                    required=required,
                    allow_not_applicable=may_be_na,
                )
                for q_pos, (text, q_guidance, answer_kind, required, may_be_na) in enumerate(
                    questions, start=1
                )
            )
        installed.append(toolkit)
    return installed
