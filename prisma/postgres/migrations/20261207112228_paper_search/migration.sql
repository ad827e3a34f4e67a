-- CreateTable
CREATE TABLE "PaperPassage" (
    "id" SERIAL NOT NULL,
    "paperId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "section" TEXT NOT NULL,
    "text" TEXT NOT NULL,

    CONSTRAINT "PaperPassage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PaperTerm" (
    "term" TEXT NOT NULL,
    "df" BIGINT NOT NULL,

    CONSTRAINT "PaperTerm_pkey" PRIMARY KEY ("term")
);

-- CreateTable
CREATE TABLE "PaperImport" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "PaperImport_pkey" PRIMARY KEY ("id")
);

-- Keep the papers' text: the abstract becomes passage 0 and a body text passage 1 (lib/arena/startup.ts
-- builds their search index on the next start).
INSERT INTO "PaperPassage" ("paperId", "position", "section", "text") SELECT "id", 0, 'abstract', "abstract" FROM "Paper";
INSERT INTO "PaperPassage" ("paperId", "position", "section", "text") SELECT "id", 1, 'body', "text" FROM "Paper" WHERE trim(coalesce("text", '')) <> '';

-- AlterTable
ALTER TABLE "Paper" DROP COLUMN "abstract",
DROP COLUMN "text",
ADD COLUMN     "arxivId" TEXT,
ADD COLUMN     "categories" TEXT,
ADD COLUMN     "doi" TEXT,
ADD COLUMN     "hash" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "source" TEXT NOT NULL DEFAULT 'jsonl';

-- CreateIndex
CREATE UNIQUE INDEX "PaperPassage_paperId_position_key" ON "PaperPassage"("paperId", "position");

-- CreateIndex
CREATE INDEX "PaperImport_fingerprint_idx" ON "PaperImport"("fingerprint");

-- CreateIndex
CREATE UNIQUE INDEX "Paper_arxivId_key" ON "Paper"("arxivId");

-- CreateIndex
CREATE UNIQUE INDEX "Paper_doi_key" ON "Paper"("doi");

-- AddForeignKey
ALTER TABLE "PaperPassage" ADD CONSTRAINT "PaperPassage_paperId_fkey" FOREIGN KEY ("paperId") REFERENCES "Paper"("id") ON DELETE CASCADE ON UPDATE CASCADE;


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
