"""How support reacts to other apps. Nothing yet: disputes freeze escrow by calling billing directly, and
engagement turns support's own events into notifications."""
