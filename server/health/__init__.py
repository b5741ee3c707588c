"""Instance health and drift detection (Pattern 4). See report.py for the document and status.py for the rules."""
