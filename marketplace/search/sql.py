"""The PostgreSQL side of search: how a stored `tsvector` is built and which indexes serve the queries.

Migrations and the bulk seeder use these statements too, so a vector written by a service, by a migration's
backfill or by `seed_bulk` is the same vector.
"""

TS_CONFIG = "english"

# Title (A), skills and tags (B), description (C).
PROJECT_VECTOR = f"""
    setweight(to_tsvector('{TS_CONFIG}', coalesce(p.title, '')), 'A')
    || setweight(to_tsvector('{TS_CONFIG}',
        coalesce((SELECT string_agg(s.name, ' ') FROM project_skills ps JOIN skills s ON s.id = ps.skill_id
                  WHERE ps.project_id = p.id), '')
        || ' ' ||
        coalesce((SELECT string_agg(t.name, ' ') FROM project_tags pt JOIN tags t ON t.id = pt.tag_id
                  WHERE pt.project_id = p.id), '')), 'B')
    || setweight(to_tsvector('{TS_CONFIG}', coalesce(p.description, '')), 'C')
"""

# Name and title (A), skills (B), bio (C).
USER_VECTOR = f"""
    setweight(to_tsvector('{TS_CONFIG}', coalesce(u.name, '') || ' ' || coalesce(u.title, '')), 'A')
    || setweight(to_tsvector('{TS_CONFIG}',
        coalesce((SELECT string_agg(s.name, ' ') FROM user_skills us JOIN skills s ON s.id = us.skill_id
                  WHERE us.user_id = u.id), '')), 'B')
    || setweight(to_tsvector('{TS_CONFIG}', coalesce(u.bio, '')), 'C')
"""

INDEX_PROJECTS = f"UPDATE projects p SET search_vector = {PROJECT_VECTOR} WHERE p.id = ANY(%s)"
INDEX_USERS = f"UPDATE users u SET search_vector = {USER_VECTOR} WHERE u.id = ANY(%s)"
INDEX_ALL_PROJECTS = f"UPDATE projects p SET search_vector = {PROJECT_VECTOR}"
INDEX_ALL_USERS = f"UPDATE users u SET search_vector = {USER_VECTOR}"

EXTENSIONS = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]

# "Did you mean": the distinct words of public project titles and how many titles hold each. A query that matches
# nothing looks up the nearest known word of each term here (a trigram index over tens of thousands of words,
# where the same lookup over a million titles reads every title sharing a few letters), then searches again
# with the corrected words. New titles add their words as they are indexed; `manage.py search_words` (nightly by
# beat, and after a bulk load) recounts them.
PUBLIC_TITLES = "SELECT to_tsvector('simple', title) FROM projects " \
                "WHERE status = 'open' AND visibility = 'public' AND NOT is_hidden"
SEARCH_WORDS_TABLE = [
    "CREATE TABLE IF NOT EXISTS search_words (word text PRIMARY KEY, ndoc integer NOT NULL DEFAULT 1)",
    "CREATE INDEX IF NOT EXISTS search_words_trgm ON search_words USING gin (word gin_trgm_ops)",
]
REBUILD_SEARCH_WORDS = [
    "DELETE FROM search_words",
    f"INSERT INTO search_words (word, ndoc) SELECT word, ndoc FROM ts_stat($${PUBLIC_TITLES}$$) "
    "WHERE length(word) BETWEEN 2 AND 60",
    "ANALYZE search_words",
]
ADD_SEARCH_WORDS = """
    INSERT INTO search_words (word)
    SELECT DISTINCT w.lexeme FROM projects p, unnest(to_tsvector('simple', p.title)) w
    WHERE p.id = ANY(%s) AND p.status = 'open' AND p.visibility = 'public' AND NOT p.is_hidden
      AND length(w.lexeme) BETWEEN 2 AND 60
    ON CONFLICT (word) DO NOTHING
"""
# The nearest known word of each term (similarity at least pg_trgm.similarity_threshold), the more common first
# among equals; a term that is itself a known word comes back unchanged.
NEAREST_WORDS = """
    SELECT t.term, w.word FROM unnest(%s::text[]) WITH ORDINALITY AS t(term, n)
    CROSS JOIN LATERAL (
        SELECT word FROM search_words WHERE word %% t.term
        ORDER BY similarity(word, t.term) DESC, ndoc DESC, word LIMIT 1
    ) w
    ORDER BY t.n
"""

# GIN for full-text matching; trigram GIN for typo tolerance; b-trees on lower(...) in the "C" collation answer
# "starts with, in order" for autocomplete: the scan starts at the prefix and stops after a few rows, however
# common the prefix (a text_pattern_ops index finds the prefix too, but cannot give the order, so a common
# prefix sorted every match).
OLD_PREFIX_INDEXES = ["projects_title_prefix", "skills_name_prefix", "tags_name_prefix", "users_name_prefix"]
PROJECT_INDEXES = [
    ("projects_search_vector_gin", "CREATE INDEX IF NOT EXISTS projects_search_vector_gin "
                                   "ON projects USING gin (search_vector)"),
    # What everyone searches: open, public, visible projects. The planner uses this smaller index for the public
    # search without combining it with the status index; other searches (a client's drafts) use the full one.
    ("projects_search_public_gin", "CREATE INDEX IF NOT EXISTS projects_search_public_gin ON projects "
                                   "USING gin (search_vector) "
                                   "WHERE status = 'open' AND visibility = 'public' AND NOT is_hidden"),
    ("projects_title_trgm", "CREATE INDEX IF NOT EXISTS projects_title_trgm ON projects "
                            "USING gin (title gin_trgm_ops)"),
    ("projects_title_prefix_c", "CREATE INDEX IF NOT EXISTS projects_title_prefix_c ON projects "
                                "((lower(title) COLLATE \"C\"))"),
    ("skills_name_trgm", "CREATE INDEX IF NOT EXISTS skills_name_trgm ON skills USING gin (name gin_trgm_ops)"),
    ("tags_name_trgm", "CREATE INDEX IF NOT EXISTS tags_name_trgm ON tags USING gin (name gin_trgm_ops)"),
    ("skills_name_prefix_c", "CREATE INDEX IF NOT EXISTS skills_name_prefix_c ON skills ((lower(name) COLLATE \"C\"))"),
    ("tags_name_prefix_c", "CREATE INDEX IF NOT EXISTS tags_name_prefix_c ON tags ((lower(name) COLLATE \"C\"))"),
]
# Relevance over a large result ranks its newest matches: this index walks public open projects newest first
# without visiting closed ones.
PROJECT_RECENT_INDEX = ("projects_public_recent", "CREATE INDEX IF NOT EXISTS projects_public_recent ON projects "
                                                  "(created_at DESC, id DESC) "
                                                  "WHERE status = 'open' AND visibility = 'public' AND NOT is_hidden")
# Finer statistics on the vectors: the planner's estimate of how many projects hold a rare word decides the plan
# (and the answer's count when it is large); with the default it guesses thousands for a word in a hundred rows.
STATISTICS = [
    "ALTER TABLE projects ALTER COLUMN search_vector SET STATISTICS 1000",
    "ALTER TABLE users ALTER COLUMN search_vector SET STATISTICS 1000",
]

USER_INDEXES = [
    ("users_search_vector_gin", "CREATE INDEX IF NOT EXISTS users_search_vector_gin "
                                "ON users USING gin (search_vector)"),
    ("users_name_trgm", "CREATE INDEX IF NOT EXISTS users_name_trgm ON users USING gin (name gin_trgm_ops)"),
    ("users_name_prefix_c", "CREATE INDEX IF NOT EXISTS users_name_prefix_c ON users ((lower(name) COLLATE \"C\"))"),
]


def run_if_postgres(statements):
    """A RunPython body that applies `statements` on PostgreSQL and does nothing on SQLite."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return forwards


def drop_if_postgres(names):
    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for name in names:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")

    return backwards
