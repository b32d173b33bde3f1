"""The placement agreement pages: both sides' sections, signing, versions, the document, the
candidate's link page."""
