"""The finance bureau's 公开情况检查表, filled in from a published PDF: checks on the document itself (pages,
text that does not display, punctuation, repeats, reasons for changes) beside ``check``'s figures, each
problem under its checklist item with its page and a picture of the page region."""
