-- CreateTable
CREATE TABLE "PaperPassage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "paperId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "section" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    CONSTRAINT "PaperPassage_paperId_fkey" FOREIGN KEY ("paperId") REFERENCES "Paper" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PaperTerm" (
    "term" TEXT NOT NULL PRIMARY KEY,
    "df" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "PaperImport" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "fingerprint" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "position" BIGINT NOT NULL DEFAULT 0,
    "lines" INTEGER NOT NULL DEFAULT 0,
    "added" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Paper" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "arxivId" TEXT,
    "doi" TEXT,
    "title" TEXT NOT NULL,
    "authors" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "venue" TEXT,
    "url" TEXT,
    "categories" TEXT,
    "source" TEXT NOT NULL DEFAULT 'jsonl',
    "hash" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Paper" ("authors", "createdAt", "id", "title", "updatedAt", "url", "venue", "year") SELECT "authors", "createdAt", "id", "title", "updatedAt", "url", "venue", "year" FROM "Paper";
-- Keep the papers' text: the abstract becomes passage 0 and a body text passage 1 (lib/arena/startup.ts
-- builds their search index on the next start).
INSERT INTO "PaperPassage" ("paperId", "position", "section", "text") SELECT "id", 0, 'abstract', "abstract" FROM "Paper";
INSERT INTO "PaperPassage" ("paperId", "position", "section", "text") SELECT "id", 1, 'body', "text" FROM "Paper" WHERE trim(coalesce("text", '')) <> '';
DROP TABLE "Paper";
ALTER TABLE "new_Paper" RENAME TO "Paper";
CREATE UNIQUE INDEX "Paper_arxivId_key" ON "Paper"("arxivId");
CREATE UNIQUE INDEX "Paper_doi_key" ON "Paper"("doi");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "PaperPassage_paperId_position_key" ON "PaperPassage"("paperId", "position");

-- CreateIndex
CREATE INDEX "PaperImport_fingerprint_idx" ON "PaperImport"("fingerprint");


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
