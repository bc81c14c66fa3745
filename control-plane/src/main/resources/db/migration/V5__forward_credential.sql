-- A workload that asked for the raw credential (by default it is removed before the workload).
ALTER TABLE workloads ADD COLUMN forward_credential BOOLEAN DEFAULT FALSE NOT NULL;
