-- A contract can say which won deal it was signed from (contracts.deal_id). The portfolio's
-- revenue counts a won deal only until its contract is entered: then the contract carries the
-- revenue, and the deal no longer counts twice. One contract per deal; a deleted deal leaves
-- its contract unlinked.

ALTER TABLE contracts ADD COLUMN deal_id INTEGER REFERENCES deals (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX contracts_deal ON contracts (deal_id) WHERE deal_id IS NOT NULL;
