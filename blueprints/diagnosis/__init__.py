"""Digital-transformation diagnosis (seeds 002 and 004): programmes as data files, their rules,
and the SME digital level evaluation of 2024 with its grading."""
