"""Lecturers, programmes and topics, classes and teaching sessions, workload, roster import."""
