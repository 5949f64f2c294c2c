"""Rubric engine, observed lessons (dự giờ) and practice lectures (luyện giảng)."""
