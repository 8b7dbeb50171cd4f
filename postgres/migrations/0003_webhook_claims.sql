-- PostgreSQL only: until when a node's webhook sender has a delivery.
-- Every worker node runs the sender; DueDeliveries claims what it returns
-- (FOR UPDATE SKIP LOCKED) so that two nodes never post the same delivery
-- at once, and UpdateDelivery ends the claim.
ALTER TABLE webhook_deliveries ADD COLUMN claimed_until BIGINT NOT NULL DEFAULT 0;
