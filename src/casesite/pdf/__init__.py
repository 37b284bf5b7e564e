"""pdf/: the PDF briefs and their collection (the WeasyPrint boundary)."""
