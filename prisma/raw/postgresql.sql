-- The paper search index on PostgreSQL: database objects Prisma does not model, as the migrations leave
-- them. The database tests add this file to the schema Prisma derives, so the comparison with the migrated
-- database stays exact; a migration that changes these objects updates this file too.
--
-- One row per PaperPassage holding the passage's index terms (its paper's title and its text as
-- lib/retrieval/tokenize.ts makes them), as a tsvector of the 'simple' configuration (no further
-- stemming or stopwords), under a GIN index; written by lib/retrieval/store.ts.
CREATE TABLE "PaperSearch" (
    "id" INTEGER NOT NULL,
    "terms" TSVECTOR NOT NULL,

    CONSTRAINT "PaperSearch_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "PaperSearch_id_fkey" FOREIGN KEY ("id") REFERENCES "PaperPassage"("id") ON DELETE CASCADE
);
CREATE INDEX "PaperSearch_terms_idx" ON "PaperSearch" USING GIN ("terms");
