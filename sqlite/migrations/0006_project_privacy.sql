-- Per-project privacy settings (docs/PRIVACY.md): the normalised JSON object
-- of trailguide.MaskConfig (mode, mask/block/unmask selectors) that PUT
-- /api/v1/projects/{pid}/settings/privacy stored, '' while the project uses
-- the defaults (balanced, no rules).
ALTER TABLE projects ADD COLUMN privacy_config TEXT NOT NULL DEFAULT '';
