"""Procedure letters: each kind declares its mandatory mentions, composed from the case and
the policy; a letter with any mention missing or empty is refused; the rest is rendered in
French to HTML (preview) and PDF/A (WeasyPrint), and stored once (``models.letter``)."""
