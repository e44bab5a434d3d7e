"""Work done on a ticket: time, parts (with stock), checklist results and attachments."""
