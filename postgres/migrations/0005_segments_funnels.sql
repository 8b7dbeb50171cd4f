-- Segments and funnels (issue 10), as SQLite's migration 0011. Saved
-- segments and funnels are JSON definitions (trailguide.Filter,
-- trailguide.Funnel) validated by the callers; names are unique per project.
CREATE TABLE segments (
	project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	id         TEXT NOT NULL,
	name       TEXT NOT NULL,
	filter     TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (project_id, id),
	UNIQUE (project_id, name)
);

CREATE TABLE funnels (
	project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	id         TEXT NOT NULL,
	name       TEXT NOT NULL,
	definition TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (project_id, id),
	UNIQUE (project_id, name)
);

-- First touch (the visitor's earliest session) and new vs returning.
CREATE INDEX sessions_visitor_started ON sessions (project_id, visitor_id, started_at, id);

-- The segment compiler's functions (internal/segsql's Dialect). SQLite
-- registers Go functions; these are their SQL equivalents for the URLs
-- browsers send (scheme://host/path?query#fragment, already escaped):
-- trailguide.URLPath, MatchURL, ReferrerDomain and a lenient number parse.

-- tg_url_path: the path ("/" when empty), plus the fragment without its
-- query when it is a route (#/... or #!...).
CREATE FUNCTION tg_url_path(u text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$
	SELECT CASE WHEN p.path = '' THEN '/' ELSE p.path END ||
		CASE WHEN p.frag LIKE '/%' OR p.frag LIKE '!%' THEN '#' || split_part(p.frag, '?', 1) ELSE '' END
	FROM (SELECT
		coalesce(CASE WHEN u ~ '^[A-Za-z][A-Za-z0-9+.-]*://'
			THEN substring(u FROM '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*([^?#]*)')
			ELSE substring(u FROM '^([^?#]*)') END, '') AS path,
		coalesce(substring(u FROM '#(.*)$'), '') AS frag) p
$$;

-- tg_glob_like: a '*' pattern as a LIKE pattern (escape character '\').
CREATE FUNCTION tg_glob_like(p text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$
	SELECT replace(replace(replace(replace(p, '\', '\\'), '%', '\%'), '_', '\_'), '*', '%')
$$;

-- tg_url_match: trailguide.MatchURL (whole URL when the pattern has "://",
-- path and query when it has a '?', the path otherwise).
CREATE FUNCTION tg_url_match(pattern text, u text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$
	SELECT CASE
		WHEN strpos(pattern, '://') > 0 THEN u
		WHEN strpos(pattern, '?') > 0 THEN tg_url_path(u) ||
			coalesce('?' || nullif(substring(u FROM '^[^?#]*\?([^#]*)'), ''), '')
		ELSE tg_url_path(u) END LIKE tg_glob_like(pattern)
$$;

-- tg_referrer_domain: the host of a referrer without "www.", lower case.
CREATE FUNCTION tg_referrer_domain(u text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$
	SELECT coalesce(regexp_replace(lower(coalesce(
		substring(u FROM '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?\[([^]/?#]*)\]'), -- [IPv6]
		substring(u FROM '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:[]*)'))), '^www\.', ''), '')
$$;

-- tg_number: the number a text holds, NULL when it holds none.
CREATE FUNCTION tg_number(x text) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$
	SELECT CASE WHEN trim(x) ~ '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$' THEN trim(x)::double precision END
$$;
