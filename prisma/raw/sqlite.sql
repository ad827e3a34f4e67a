-- The paper search index on SQLite: database objects Prisma does not model, as the migrations leave them.
-- The database tests add this file to the schema Prisma derives, so the comparison with the migrated
-- database stays exact; a migration that changes these objects updates this file too.
--
-- One FTS5 row per PaperPassage (rowid = its id) holding the passage's index terms: its paper's title and
-- its text as lib/retrieval/tokenize.ts makes them (lower case, stopwords dropped, Porter-stemmed, joined
-- by spaces), written by lib/retrieval/store.ts. Contentless: the text itself is stored once, in
-- PaperPassage. Marks (M*) are token characters too, so Devanagari and similar words stay whole.
CREATE VIRTUAL TABLE "PaperSearch" USING fts5("terms", content='', contentless_delete=1, tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co M*'");
-- Whoever deletes a passage (an updated paper, a cascade from Paper) takes it out of the index.
CREATE TRIGGER "PaperPassage_unindex" AFTER DELETE ON "PaperPassage" BEGIN
  DELETE FROM "PaperSearch" WHERE rowid = old."id";
END;
