"""Where to turn when reflecting alone is not enough. Offline text, shown as it is."""

from __future__ import annotations

COACH_NOT_THERAPIST = (
    "reflect is a coach for thinking a hard moment through, not a therapist or a crisis "
    "service. If things feel like too much, `reflect resources` lists people to talk to."
)

WHEN_TO_REACH_OUT = (
    "Reach out to a person, not a program, if you are thinking about hurting yourself or "
    "someone else, if you feel unsafe, or if the hurt has stayed heavy for weeks and is "
    "getting in the way of sleep, work or the people around you. Reaching out is a strong "
    "thing to do, and you do not need to be in crisis to deserve support."
)

LINES: tuple[tuple[str, str], ...] = (
    ("Immediate danger", "Call your local emergency number (911 in the US and Canada, "
                         "112 across Europe, 999 in the UK)."),
    ("United States", "988 Suicide & Crisis Lifeline: call or text 988."),
    ("United States", "Crisis Text Line: text HOME to 741741."),
    ("Any other country", "findahelpline.com lists free, confidential lines near you."),
)

TALK_TO = (
    "A counsellor or therapist can help with patterns that keep coming back. A trusted "
    "friend can help tonight."
)
