-- osarchiver CI fixture: cinder data (load after cinder.sql, in the same database; no USE).
-- Deterministic except for the dates relative to now (recent rows: 2 hours ago, UTC).
-- cinder soft-deletes with deleted_at = <time> and deleted = 1 (live rows: deleted = 0).
--
-- services 1..6 (uuid 80000000-0000-4000-8000-00000000000N; volumes.service_uuid -> services.uuid,
-- workers.service_id -> services.id):
--   1,2 live; 3 old, used by a LIVE volume -> BLOCKED; 4 old, used by old volumes and an old
--   worker -> goes; 5 old, used by a LIVE worker -> BLOCKED; 6 recent -> stays
-- volumes 1..40 (id 70000000-0000-4000-8000-0000000000NN):
--   1-15  old, old children                                   -> go
--   16    old, a LIVE volume_metadata row                      -> BLOCKED
--   17    old, a LIVE volume_attachment                        -> BLOCKED
--   18    old, a LIVE snapshot                                 -> BLOCKED
--   19    old, a LIVE volume_admin_metadata row                -> BLOCKED
--   20    old, a RECENT snapshot                               -> BLOCKED
--   21    old, old snapshot with LIVE snapshot_metadata        -> snapshot and volume BLOCKED
--   22    old, old attachment with LIVE attachment_specs       -> attachment and volume BLOCKED
--   23-32 live (old metadata rows of theirs go)                -> stay
--   33-36 recent                                               -> stay
--   37-40 old, no children                                     -> go
-- quota_usages/quotas/reservations: usage 2 old with a LIVE reservation -> BLOCKED.

SET NAMES utf8mb4;
SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO';
SET SESSION time_zone = '+00:00';
SET @now = UTC_TIMESTAMP();
SET @old = TIMESTAMP '2020-01-01 00:00:00';
SET @recent = @now - INTERVAL 2 HOUR;

-- tricky strings, all within utf8mb3 (cinder tables are utf8mb3: no 4-byte characters)
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

SET @vtype = '90000000-0000-4000-8000-000000000001';

INSERT INTO services (created_at, updated_at, deleted_at, deleted, id, host, `binary`, topic,
  report_count, disabled, availability_zone, disabled_reason, uuid)
SELECT TIMESTAMP '2018-01-01 00:00:00' + INTERVAL seq DAY, NULL,
       CASE WHEN seq <= 2 THEN NULL WHEN seq <= 5 THEN @old ELSE @recent END,
       IF(seq <= 2, 0, 1), seq, CONCAT('host-', seq, '@lvm#pool'), 'cinder-volume', 'cinder-volume',
       seq * 1000, 0, 'nova', IF(seq = 2, 'maintenance: l''équipe', NULL),
       CONCAT('80000000-0000-4000-8000-', LPAD(seq, 12, '0'))
FROM seq_1_to_6;

INSERT INTO workers (created_at, updated_at, deleted_at, deleted, id, resource_type, resource_id,
  status, service_id, race_preventer)
VALUES ('2019-01-01 00:00:00', NULL, @old, 1, 1, 'Volume', '70000000-0000-4000-8000-000000000001', 'deleting', 4, 0),
       ('2019-01-01 00:00:00', '2019-01-02 00:00:00.123456', NULL, 0, 2, 'Volume', '70000000-0000-4000-8000-000000000023', 'creating', 5, 0),
       ('2019-01-01 00:00:00', NULL, NULL, 0, 3, 'Snapshot', '71000000-0000-4000-8000-000000000023', 'creating', 1, 0);

CREATE TEMPORARY TABLE fx_v (v INT PRIMARY KEY, st VARCHAR(8) NOT NULL, dat DATETIME NULL,
                             id CHAR(36) NOT NULL);
INSERT INTO fx_v
SELECT seq, CASE WHEN seq <= 22 THEN 'old' WHEN seq <= 32 THEN 'live' WHEN seq <= 36 THEN 'recent'
                 ELSE 'old' END,
       NULL, CONCAT('70000000-0000-4000-8000-', LPAD(seq, 12, '0'))
FROM seq_1_to_40;
UPDATE fx_v SET dat = CASE st WHEN 'old' THEN @old WHEN 'live' THEN NULL ELSE @recent END;

INSERT INTO volumes (created_at, updated_at, deleted_at, deleted, id, user_id, project_id, host,
  size, availability_zone, status, attach_status, launched_at, terminated_at, display_name,
  display_description, provider_location, volume_type_id, bootable, multiattach, service_uuid,
  shared_targets, use_quota)
SELECT TIMESTAMP '2019-01-01 00:00:00' + INTERVAL v HOUR,
       IF(MOD(v, 3) = 0, NULL, TIMESTAMP '2019-06-01 00:00:00' + INTERVAL v MINUTE),
       dat, IF(dat IS NULL, 0, 1), id, CONCAT('user-', MOD(v, 7)), CONCAT('project-', MOD(v, 5)),
       IF(MOD(v, 4) = 0, NULL, 'host-1@lvm#pool'), v, 'nova',
       IF(st = 'live', 'available', 'deleted'), 'detached',
       TIMESTAMP '2019-01-01 00:10:00' + INTERVAL v HOUR, IF(st = 'live', NULL, dat),
       CONCAT('vol ', w.s), IF(MOD(v, 5) = 0, NULL, w.s),
       IF(MOD(v, 2) = 0, NULL, CONCAT('10.0.0.', v, ':3260,1 iqn.2010-10.org.openstack:volume-', id)),
       @vtype, MOD(v, 2), 0,
       CASE WHEN v <= 15 THEN '80000000-0000-4000-8000-000000000004'
            WHEN v = 23 THEN '80000000-0000-4000-8000-000000000003'
            WHEN MOD(v, 2) = 0 THEN '80000000-0000-4000-8000-000000000001' ELSE NULL END,
       IF(MOD(v, 3) = 0, NULL, 0), 1
FROM fx_v JOIN fx_w w ON w.n = MOD(v, 13);

-- volume_metadata: two per volume 1..36, ids 2v-1 (k=1), 2v (k=2): state of the volume, but
-- volume 16's k=2 is LIVE (blocks it), and k=1 of live/recent volumes is old (goes)
INSERT INTO volume_metadata (created_at, deleted_at, deleted, id, volume_id, `key`, value)
SELECT TIMESTAMP '2019-01-01 00:00:00' + INTERVAL v HOUR, dat2, IF(dat2 IS NULL, 0, 1),
       2 * (v - 1) + k, id, CONCAT('key ', k, ' ', w.s), IF(MOD(v + k, 4) = 0, NULL, w.s)
FROM (SELECT v, id, k.seq AS k,
             CASE WHEN v = 16 AND k.seq = 2 THEN NULL
                  WHEN st IN ('live', 'recent') AND k.seq = 1 THEN @old ELSE dat END AS dat2
      FROM fx_v JOIN seq_1_to_2 k WHERE v <= 36) fx
JOIN fx_w w ON w.n = MOD(v + k, 13);

-- volume_admin_metadata: one per volume 1..40, state of the volume; volume 19's is LIVE
INSERT INTO volume_admin_metadata (created_at, deleted_at, deleted, id, volume_id, `key`, value)
SELECT TIMESTAMP '2019-01-01 00:00:00' + INTERVAL v HOUR, IF(v = 19, NULL, dat),
       IF(v = 19 OR dat IS NULL, 0, 1), v, id, 'readonly', IF(MOD(v, 2) = 0, 'False', 'True')
FROM fx_v;

-- volume_attachment (id 72000000-...-0000000000NN for volume NN): volumes 1..10, 17, 22, 23..27;
-- state of the volume, but volume 17's attachment is LIVE
INSERT INTO volume_attachment (created_at, deleted_at, deleted, id, volume_id, attached_host,
  instance_uuid, mountpoint, attach_time, detach_time, attach_mode, attach_status,
  connection_info, connector)
SELECT TIMESTAMP '2019-01-01 00:00:00' + INTERVAL v HOUR, IF(v = 17, NULL, dat),
       IF(v = 17 OR dat IS NULL, 0, 1), CONCAT('72000000-0000-4000-8000-', LPAD(v, 12, '0')), id,
       IF(MOD(v, 2) = 0, NULL, 'compute-1'), CONCAT('00000000-0000-4000-8000-', LPAD(v, 12, '0')),
       '/dev/vdb', TIMESTAMP '2019-01-01 01:00:00' + INTERVAL v HOUR, NULL, 'rw',
       IF(v = 17 OR dat IS NULL, 'attached', 'detached'),
       IF(MOD(v, 3) = 0, NULL, CONCAT('{"driver_volume_type": "iscsi", "data": {"auth_password": "p''a\\\\ss\\"w"}, "x": "',
                                      REPLACE(REPLACE(w.s, '\\', '\\\\'), '"', '\\"'), '"}')),
       '{"platform": "x86_64", "os_type": "linux", "multipath": false}'
FROM fx_v JOIN fx_w w ON w.n = MOD(v, 13)
WHERE v <= 10 OR v IN (17, 22) OR v BETWEEN 23 AND 27;

-- attachment_specs: one per attachment, its state; volume 22's (old attachment) is LIVE
INSERT INTO attachment_specs (created_at, deleted_at, deleted, id, attachment_id, `key`, value)
SELECT TIMESTAMP '2019-01-01 00:00:00' + INTERVAL v HOUR, IF(v = 22, NULL, a.deleted_at),
       IF(v = 22, 0, a.deleted), v, a.id, 'host', IF(MOD(v, 2) = 0, NULL, CONCAT('compute-', w.s))
FROM fx_v JOIN volume_attachment a ON a.volume_id = fx_v.id JOIN fx_w w ON w.n = MOD(v + 4, 13);

-- snapshots (id 71000000-...-0000000000NN for volume NN): volumes 1..10, 18, 20, 21, 23..26, 33;
-- state of the volume, but volume 18's is LIVE and volume 20's RECENT
INSERT INTO snapshots (created_at, updated_at, deleted_at, deleted, id, volume_id, user_id,
  project_id, status, progress, volume_size, display_name, display_description, volume_type_id,
  use_quota)
SELECT TIMESTAMP '2019-01-01 02:00:00' + INTERVAL v HOUR, NULL, x.dat, IF(x.dat IS NULL, 0, 1),
       CONCAT('71000000-0000-4000-8000-', LPAD(v, 12, '0')), id, CONCAT('user-', MOD(v, 7)),
       CONCAT('project-', MOD(v, 5)), IF(x.dat IS NULL, 'available', 'deleted'), '100%', v,
       CONCAT('snap ', w.s), IF(MOD(v, 2) = 0, NULL, w.s), @vtype, 1
FROM (SELECT v, id, CASE v WHEN 18 THEN NULL WHEN 20 THEN @recent ELSE dat END AS dat FROM fx_v
      WHERE v <= 10 OR v IN (18, 20, 21, 33) OR v BETWEEN 23 AND 26) x
JOIN fx_w w ON w.n = MOD(v + 6, 13);

-- snapshot_metadata: one per snapshot, its state; volume 21's (old snapshot) is LIVE
INSERT INTO snapshot_metadata (created_at, deleted_at, deleted, id, snapshot_id, `key`, value)
SELECT '2019-03-01 00:00:00', IF(s.volume_id = '70000000-0000-4000-8000-000000000021', NULL, s.deleted_at),
       IF(s.volume_id = '70000000-0000-4000-8000-000000000021', 0, s.deleted),
       CAST(RIGHT(s.id, 12) AS UNSIGNED), s.id, 'purpose', CONCAT('backup ', w.s)
FROM snapshots s JOIN fx_w w ON w.n = MOD(CAST(RIGHT(s.id, 12) AS UNSIGNED), 13);

-- volume_glance_metadata (two FKs, both nullable): volume-only rows for volumes 1..5 and 23..25,
-- volume+snapshot rows for volumes 1..3 and 23 (state of the volume), and one old row with
-- both NULL (goes)
INSERT INTO volume_glance_metadata (created_at, deleted_at, deleted, id, volume_id, snapshot_id, `key`, value)
SELECT '2019-03-01 00:00:00', dat, IF(dat IS NULL, 0, 1), v, id, NULL, 'image_name',
       IF(MOD(v, 4) = 0, NULL, CONCAT('image ', w.s))
FROM fx_v JOIN fx_w w ON w.n = MOD(v + 8, 13) WHERE v <= 5 OR v BETWEEN 23 AND 25;
INSERT INTO volume_glance_metadata (created_at, deleted_at, deleted, id, volume_id, snapshot_id, `key`, value)
SELECT '2019-03-01 00:00:00', dat, IF(dat IS NULL, 0, 1), 100 + v, id,
       CONCAT('71000000-0000-4000-8000-', LPAD(v, 12, '0')), 'properties',
       '{"hw_disk_bus": "virtio", "os_distro": "ubuntu", "note": "l\'équipe \\\\ \\"q\\""}'
FROM fx_v WHERE v <= 3 OR v = 23;
INSERT INTO volume_glance_metadata (created_at, deleted_at, deleted, id, volume_id, snapshot_id, `key`, value)
VALUES ('2019-03-01 00:00:00', @old, 1, 200, NULL, NULL, 'orphan', NULL);

-- quotas: usage 1 live, 2 old + LIVE reservation (BLOCKED), 3 old + old reservation (go),
-- 4 recent; quotas 1 live, 2 old (goes, with its old reservation)
INSERT INTO quota_usages (created_at, deleted_at, deleted, id, project_id, resource, in_use, reserved, until_refresh, race_preventer)
VALUES ('2019-01-01 00:00:00', NULL, 0, 1, 'project-1', 'volumes', 3, 0, NULL, 1),
       ('2019-01-01 00:00:00', @old, 1, 2, 'project-2', 'gigabytes', 0, 1, NULL, NULL),
       ('2019-01-01 00:00:00', @old, 1, 3, 'project-3', 'snapshots', 0, 0, 5, NULL),
       ('2019-01-01 00:00:00', @recent, 1, 4, 'project-4', 'volumes_lvm', 1, 0, NULL, 1);
INSERT INTO quotas (created_at, deleted_at, deleted, id, project_id, resource, hard_limit, allocated)
VALUES ('2019-01-01 00:00:00', NULL, 0, 1, 'project-1', 'volumes', 10, 0),
       ('2019-01-01 00:00:00', @old, 1, 2, 'project-3', 'snapshots', -1, NULL);
INSERT INTO reservations (created_at, deleted_at, deleted, id, uuid, usage_id, project_id, resource, delta, expire, allocated_id)
VALUES ('2019-01-01 00:00:00', NULL, 0, 1, 'a0000000-0000-4000-8000-000000000001', 2, 'project-2', 'gigabytes', 1, '2030-01-01 00:00:00', 1),
       ('2019-01-01 00:00:00', @old, 1, 2, 'a0000000-0000-4000-8000-000000000002', 3, 'project-3', 'snapshots', -1, '2019-01-02 00:00:00', 2),
       ('2019-01-01 00:00:00', @old, 1, 3, 'a0000000-0000-4000-8000-000000000003', NULL, 'project-3', 'snapshots', 1, NULL, NULL);

-- tables without deleted_at (never archived)
INSERT INTO driver_initiator_data (created_at, id, initiator, namespace, `key`, value)
SELECT '2019-01-01 00:00:00', seq, CONCAT('iqn.1993-08.org.debian:01:', seq), 'lvm', 'é-key', w.s
FROM seq_1_to_3 JOIN fx_w w ON w.n = seq + 2;
INSERT INTO image_volume_cache_entries (image_updated_at, id, host, image_id, volume_id, size, last_used)
SELECT '2019-01-01 00:00:00', seq, 'host-1@lvm#pool', CONCAT('b0000000-0000-4000-8000-', LPAD(seq, 12, '0')),
       CONCAT('70000000-0000-4000-8000-', LPAD(seq, 12, '0')), 1, '2019-02-01 00:00:00'
FROM seq_1_to_2;

DROP TEMPORARY TABLE fx_w, fx_v;
