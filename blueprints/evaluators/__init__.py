"""The evaluator register (issue 20): an evaluation body's people, their registrations and
sector competence approved by the alliance, their training and the audits they did."""
