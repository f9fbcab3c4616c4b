-- osarchiver CI fixture: nova data (load after nova.sql, in the same database; no USE).
-- Deterministic except for the dates relative to now (recent / 23h / 25h rows).
-- nova soft-deletes with deleted_at = <time> and deleted = id (live rows: deleted = 0).
-- Dates are UTC, as OpenStack stores them and as osarchiver's {now} is (equal to NOW() on a
-- UTC server).
--
-- instances 1..60 (uuid 00000000-0000-4000-8000-0000000000NN), by id:
--   1-20  old (2020-01-01), only old children                 -> go, with their children
--   21-24 old, one LIVE instance_actions row                   -> BLOCKED (other children go)
--   25    old, one RECENT instance_faults row                  -> BLOCKED
--   26    old, a share_mapping row (table without deleted_at)  -> BLOCKED
--   27    old, old action whose event is LIVE                  -> action and instance BLOCKED
--   28-30 old, children old                                    -> go
--   31-50 live; action 1 old (goes), action 2 live             -> stay
--   51-55 recent (2 h ago); action 1 old (goes)                -> stay
--   56-57 deleted 25 h ago (eligible with retention 1 DAY)     -> go, with their children
--   58-60 deleted 23 h ago (not eligible)                      -> stay
-- shadow_instances / shadow_instance_actions: old rows, excluded by excluded_tables -> stay.

SET NAMES utf8mb4;
SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO';
SET SESSION time_zone = '+00:00';
SET @now = UTC_TIMESTAMP();
SET @old = TIMESTAMP '2020-01-01 00:00:00';
SET @recent = @now - INTERVAL 2 HOUR;

-- tricky strings, all within utf8mb3 (nova tables are utf8mb3: no 4-byte characters)
CREATE TEMPORARY TABLE fx_w (n INT PRIMARY KEY, s VARCHAR(255) CHARACTER SET utf8mb4 NOT NULL);
INSERT INTO fx_w VALUES
 (0, 'plain ascii'),
 (1, 'données naïve ŝŧřãñĝē'),
 (2, '日本語 Ωμέγα кириллица'),
 (3, 'a''quote and d"quote and `backtick`'),
 (4, 'back\\slash C:\\dir\\'),
 (5, 'new\nline\r\nand\ttab'),
 (6, 'semi;colon -- not a comment /* nor this */ # hash'),
 (7, '%percent_ under_score'),
 (8, 'NULL'),
 (9, '\\N'),
 (10, ''),
 (11, 'trailing spaces  '),
 (12, '{"json": "va\\"lue", "n": [1, 2.5, null], "u": "\\u00e9"}');

CREATE TEMPORARY TABLE fx_i (i INT PRIMARY KEY, st VARCHAR(8) NOT NULL, dat DATETIME NULL,
                             uuid CHAR(36) NOT NULL);
INSERT INTO fx_i
SELECT seq,
       CASE WHEN seq <= 30 THEN 'old' WHEN seq <= 50 THEN 'live' WHEN seq <= 55 THEN 'recent'
            WHEN seq <= 57 THEN 'e25h' ELSE 'n23h' END,
       NULL, CONCAT('00000000-0000-4000-8000-', LPAD(seq, 12, '0'))
FROM seq_1_to_60;
UPDATE fx_i SET dat = CASE st WHEN 'old' THEN @old WHEN 'live' THEN NULL
                              WHEN 'recent' THEN @recent
                              WHEN 'e25h' THEN @now - INTERVAL 25 HOUR
                              ELSE @now - INTERVAL 23 HOUR END;

INSERT INTO instances (created_at, updated_at, deleted_at, id, user_id, project_id, image_ref,
  key_name, key_data, power_state, vm_state, memory_mb, vcpus, hostname, host, user_data,
  launched_at, terminated_at, display_name, display_description, availability_zone, locked,
  launched_on, instance_type_id, uuid, access_ip_v4, root_gb, node, deleted, locked_by, cleaned,
  hidden, compute_id)
SELECT TIMESTAMP '2019-01-01 00:00:00' + INTERVAL i HOUR,
       IF(MOD(i, 3) = 0, NULL, TIMESTAMP '2019-06-01 12:00:00' + INTERVAL i MINUTE),
       dat, i, CONCAT('user-', MOD(i, 7)), CONCAT('project-', MOD(i, 5)),
       CONCAT('10000000-0000-4000-8000-', LPAD(MOD(i, 4), 12, '0')),
       IF(MOD(i, 4) = 0, NULL, CONCAT('key-', i)),
       IF(MOD(i, 4) = 0, NULL, CONCAT('ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB', REPEAT('x', i), ' user@host')),
       MOD(i, 5), IF(st = 'live', 'active', 'deleted'), 512 * (1 + MOD(i, 4)), 1 + MOD(i, 3),
       CONCAT('vm-', i), CONCAT('compute-', MOD(i, 3)),
       IF(MOD(i, 5) = 0, NULL, TO_BASE64(CONCAT('#cloud-config\nruncmd:\n - echo ', w.s))),
       TIMESTAMP '2019-01-02 00:00:00' + INTERVAL i HOUR,
       IF(st = 'live', NULL, dat),
       CONCAT('vm ', w.s), IF(MOD(i, 6) = 0, NULL, w.s), 'nova', MOD(i, 2),
       CONCAT('compute-', MOD(i, 3)), 1 + MOD(i, 3), uuid,
       IF(MOD(i, 2) = 0, NULL, CONCAT('10.0.', MOD(i, 7), '.', i)), 20, CONCAT('node-', MOD(i, 3)),
       IF(dat IS NULL, 0, i), IF(MOD(i, 7) = 0, 'admin', NULL), 0, 0, IF(MOD(i, 9) = 0, NULL, i)
FROM fx_i JOIN fx_w w ON w.n = MOD(i, 13);

-- instance_actions: two per instance, ids 2i-1 (k=1) and 2i (k=2)
CREATE TEMPORARY TABLE fx_a (id INT PRIMARY KEY, i INT NOT NULL, k INT NOT NULL, st VARCHAR(8),
                             dat DATETIME NULL);
INSERT INTO fx_a
SELECT 2 * (i - 1) + k.seq, i, k.seq,
       CASE WHEN i BETWEEN 21 AND 24 AND k.seq = 2 THEN 'live'      -- blocks its old instance
            WHEN fx_i.st IN ('live', 'recent') AND k.seq = 1 THEN 'old'
            ELSE fx_i.st END, NULL
FROM fx_i JOIN seq_1_to_2 k;
UPDATE fx_a a JOIN fx_i USING (i)
SET a.dat = CASE a.st WHEN 'old' THEN @old WHEN 'live' THEN NULL ELSE fx_i.dat END;

INSERT INTO instance_actions (created_at, updated_at, deleted_at, id, action, instance_uuid,
  request_id, user_id, project_id, start_time, finish_time, message, deleted)
SELECT TIMESTAMP '2019-02-01 00:00:00' + INTERVAL a.id MINUTE, NULL, a.dat, a.id,
       ELT(a.k, 'create', 'reboot'), fx_i.uuid, CONCAT('req-', LPAD(a.id, 32, '0')),
       CONCAT('user-', MOD(a.i, 7)), CONCAT('project-', MOD(a.i, 5)),
       TIMESTAMP '2019-02-01 00:00:00' + INTERVAL a.id MINUTE,
       IF(MOD(a.id, 5) = 0, NULL, TIMESTAMP '2019-02-01 00:01:00' + INTERVAL a.id MINUTE),
       IF(MOD(a.id, 3) = 0, NULL, w.s), IF(a.dat IS NULL, 0, a.id)
FROM fx_a a JOIN fx_i USING (i) JOIN fx_w w ON w.n = MOD(a.id, 13);

-- instance_actions_events: one per action (same id), same state, except the event of action 53
-- (instance 27, k=1: old) which is LIVE; plus event 121: old, action_id NULL (goes)
INSERT INTO instance_actions_events (created_at, updated_at, deleted_at, id, event, action_id,
  start_time, finish_time, result, traceback, deleted, host, details)
SELECT TIMESTAMP '2019-02-01 00:00:00' + INTERVAL a.id MINUTE, NULL,
       IF(a.id = 53, NULL, a.dat), a.id, CONCAT('compute_', ELT(a.k, 'build', 'reboot'), '_instance'),
       a.id, TIMESTAMP '2019-02-01 00:00:00' + INTERVAL a.id MINUTE, NULL,
       IF(MOD(a.id, 4) = 0, 'Error', 'Success'),
       IF(MOD(a.id, 4) = 0, CONCAT('Traceback (most recent call last):\n  File "x.py", line ', a.id,
                                   '\n    raise Exception(''', w.s, ''')\n'), NULL),
       IF(a.id = 53 OR a.dat IS NULL, 0, a.id), CONCAT('compute-', MOD(a.i, 3)),
       IF(MOD(a.id, 3) = 0, NULL, w.s)
FROM fx_a a JOIN fx_w w ON w.n = MOD(a.id + 5, 13);
INSERT INTO instance_actions_events (created_at, deleted_at, id, event, action_id, result, deleted)
VALUES ('2019-03-01 00:00:00', @old, 121, 'orphan_event', NULL, 'Success', 121);

-- instance_info_caches: one per instance (unique instance_uuid), state of its instance;
-- instance 1 (old, goes) carries a ~100 KB MEDIUMTEXT network_info
INSERT INTO instance_info_caches (created_at, updated_at, deleted_at, id, network_info,
  instance_uuid, deleted)
SELECT TIMESTAMP '2019-01-01 00:00:00' + INTERVAL i HOUR, NULL, dat, i,
       CASE WHEN i = 1 THEN CONCAT('[', REPEAT(CONCAT('{"id": "port", "address": "fa:16:3e:00:00:01", ',
                 '"network": {"label": "réseau-ü", "subnets": [{"cidr": "10.0.0.0/24"}]}, ',
                 '"details": {"port_filter": true, "q": "it''s \\\\ \\"x\\""}},'), 565), '{}]')
            WHEN MOD(i, 6) = 0 THEN NULL
            ELSE CONCAT('[{"id": "', uuid, '", "label": "', REPLACE(REPLACE(w.s, '\\', '\\\\'), '"', '\\"'), '"}]') END,
       uuid, IF(dat IS NULL, 0, i)
FROM fx_i JOIN fx_w w ON w.n = MOD(i, 13);

-- instance_extra: one per instance, state of its instance
INSERT INTO instance_extra (created_at, deleted_at, deleted, id, instance_uuid, numa_topology,
  pci_requests, flavor, keypairs)
SELECT TIMESTAMP '2019-01-01 00:00:00' + INTERVAL i HOUR, dat, IF(dat IS NULL, 0, i), i, uuid, NULL,
       '[]', CONCAT('{"cur": {"nova_object.name": "Flavor", "name": "m1.', w.s, '"}}'),
       IF(MOD(i, 2) = 0, NULL, '{"objects": []}')
FROM fx_i JOIN fx_w w ON w.n = MOD(i + 3, 13);

-- instance_system_metadata: three per instance, state of its instance
INSERT INTO instance_system_metadata (created_at, deleted_at, id, instance_uuid, `key`, value, deleted)
SELECT TIMESTAMP '2019-01-01 00:00:00' + INTERVAL i HOUR, dat, 3 * (i - 1) + k.seq, uuid,
       ELT(k.seq, 'image_base_image_ref', 'image_os_distro', 'clean_attempts'),
       CASE k.seq WHEN 1 THEN NULL WHEN 2 THEN w.s ELSE CAST(i AS CHAR) END,
       IF(dat IS NULL, 0, 3 * (i - 1) + k.seq)
FROM fx_i JOIN seq_1_to_3 k JOIN fx_w w ON w.n = MOD(i + k.seq, 13);

-- instance_metadata: one per instance 1..60 (state of its instance; instance 22's is LIVE,
-- a second blocker), plus ids 61..65: old with instance_uuid NULL (go)
INSERT INTO instance_metadata (created_at, deleted_at, id, `key`, value, instance_uuid, deleted)
SELECT TIMESTAMP '2019-01-01 00:00:00' + INTERVAL i HOUR, IF(i = 22, NULL, dat), i,
       CONCAT('meta ', w.s), IF(MOD(i, 4) = 0, NULL, w.s), uuid, IF(i = 22 OR dat IS NULL, 0, i)
FROM fx_i JOIN fx_w w ON w.n = MOD(i + 7, 13);
INSERT INTO instance_metadata (created_at, deleted_at, id, `key`, value, instance_uuid, deleted)
SELECT '2019-05-01 00:00:00', @old, 60 + seq, CONCAT('orphan-', seq), w.s, NULL, 60 + seq
FROM seq_1_to_5 JOIN fx_w w ON w.n = seq;

-- instance_faults: 1 old (goes) for instances 1..10 and 28..30; 1 RECENT for instance 25
-- (blocks it); 1 live for instances 31..35
INSERT INTO instance_faults (created_at, deleted_at, id, instance_uuid, code, message, details, host, deleted)
SELECT TIMESTAMP '2019-04-01 00:00:00' + INTERVAL i HOUR,
       CASE WHEN i = 25 THEN @recent WHEN i > 30 THEN NULL ELSE @old END,
       i, uuid, 500, CONCAT('Fault: ', w.s),
       IF(MOD(i, 2) = 0, NULL, CONCAT('Traceback:\n', REPEAT(CONCAT(w.s, '\n'), 20))),
       'compute-0', IF(i > 30, 0, i)
FROM fx_i JOIN fx_w w ON w.n = MOD(i, 13)
WHERE i <= 10 OR i BETWEEN 25 AND 35 AND i <> 26 AND i <> 27;

-- block_device_mapping: one per instance 1..20 and 31..40 (state of its instance), plus
-- ids 61..62: old with instance_uuid NULL (go)
INSERT INTO block_device_mapping (created_at, deleted_at, id, device_name, delete_on_termination,
  volume_id, volume_size, connection_info, instance_uuid, deleted, source_type, destination_type,
  boot_index, uuid)
SELECT TIMESTAMP '2019-01-01 00:00:00' + INTERVAL i HOUR, dat, i, '/dev/vda', 1,
       CONCAT('20000000-0000-4000-8000-', LPAD(i, 12, '0')), 10,
       IF(MOD(i, 3) = 0, NULL, CONCAT('{"driver_volume_type": "iscsi", "data": {"target_iqn": "iqn.',
          i, '", "note": "', REPLACE(REPLACE(w.s, '\\', '\\\\'), '"', '\\"'), '"}}')),
       uuid, IF(dat IS NULL, 0, i), 'volume', 'volume', 0,
       CONCAT('30000000-0000-4000-8000-', LPAD(i, 12, '0'))
FROM fx_i JOIN fx_w w ON w.n = MOD(i + 2, 13)
WHERE i <= 20 OR i BETWEEN 31 AND 40;
INSERT INTO block_device_mapping (created_at, deleted_at, id, device_name, instance_uuid, deleted, uuid)
VALUES ('2019-05-01 00:00:00', @old, 61, '/dev/vdb', NULL, 61, '30000000-0000-4000-8000-000000000061'),
       ('2019-05-01 00:00:00', @old, 62, NULL, NULL, 62, NULL);

-- share_mapping (no deleted_at: never archived): instance 26 (old -> BLOCKED) and 31 (live)
INSERT INTO share_mapping (created_at, id, uuid, instance_uuid, share_id, status, tag,
  export_location, share_proto)
SELECT '2019-07-01 00:00:00', i, CONCAT('40000000-0000-4000-8000-', LPAD(i, 12, '0')), uuid,
       CONCAT('50000000-0000-4000-8000-', LPAD(i, 12, '0')), 'active', CONCAT('tag', i),
       '10.0.0.1:/share/données', 'NFS'
FROM fx_i WHERE i IN (26, 31);

-- shadow tables (excluded by excluded_tables = shadow_.*): old rows that must stay
INSERT INTO shadow_instances (created_at, deleted_at, id, uuid, display_name, deleted)
SELECT '2018-01-01 00:00:00', @old, 1000 + seq, CONCAT('60000000-0000-4000-8000-', LPAD(seq, 12, '0')),
       w.s, 1000 + seq
FROM seq_1_to_3 JOIN fx_w w ON w.n = seq;
INSERT INTO shadow_instance_actions (created_at, deleted_at, id, action, instance_uuid, deleted)
SELECT '2018-01-01 00:00:00', @old, 2000 + seq, 'create',
       CONCAT('60000000-0000-4000-8000-', LPAD(seq, 12, '0')), 2000 + seq
FROM seq_1_to_2;

DROP TEMPORARY TABLE fx_w, fx_i, fx_a;
