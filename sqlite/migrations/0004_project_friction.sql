-- Per-project friction thresholds (docs/FRICTION.md): the normalised JSON
-- object of friction.Config that PUT /api/v1/projects/{pid}/settings stored,
-- '' while the project uses the defaults.
ALTER TABLE projects ADD COLUMN friction_config TEXT NOT NULL DEFAULT '';
