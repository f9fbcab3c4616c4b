-- osarchiver CI fixture: glance data (load after glance.sql, in the same database; no USE).
-- Deterministic except for the dates relative to now (recent rows: 2 hours ago, UTC).
-- glance soft-deletes with deleted_at = <time> and deleted = 1 (live rows: deleted = 0).
--
-- images 1..40 (id b0000000-0000-4000-8000-0000000000NN):
--   1-15  old, old children                          -> go
--   16    old, a LIVE image_properties row           -> BLOCKED
--   17    old, a LIVE image_locations row            -> BLOCKED
--   18    old, a LIVE image_members row              -> BLOCKED
--   19    old, a LIVE image_tags row                 -> BLOCKED
--   20    old, a RECENT image_properties row         -> BLOCKED
--   21-32 live (their old k=1 properties go)         -> stay
--   33-36 recent                                     -> stay
--   37-40 old, no children                           -> go
-- tasks 1..10 (task_info has no deleted_at, so it is never archived):
--   1-3 old with task_info -> BLOCKED; 4-6 old without -> go; 7-8 live; 9-10 recent

SET NAMES utf8mb4;
SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO';
SET SESSION time_zone = '+00:00';
SET @now = UTC_TIMESTAMP();
SET @old = TIMESTAMP '2020-01-01 00:00:00';
SET @recent = @now - INTERVAL 2 HOUR;

-- tricky strings, all within utf8mb3 (glance tables are utf8mb3: no 4-byte characters)
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

CREATE TEMPORARY TABLE fx_g (g INT PRIMARY KEY, st VARCHAR(8) NOT NULL, dat DATETIME NULL,
                             id CHAR(36) NOT NULL);
INSERT INTO fx_g
SELECT seq, CASE WHEN seq <= 20 THEN 'old' WHEN seq <= 32 THEN 'live' WHEN seq <= 36 THEN 'recent'
                 ELSE 'old' END,
       NULL, CONCAT('b0000000-0000-4000-8000-', LPAD(seq, 12, '0'))
FROM seq_1_to_40;
UPDATE fx_g SET dat = CASE st WHEN 'old' THEN @old WHEN 'live' THEN NULL ELSE @recent END;

INSERT INTO images (id, name, size, status, created_at, updated_at, deleted_at, deleted,
  disk_format, container_format, checksum, owner, min_disk, min_ram, protected, virtual_size,
  visibility, os_hidden, os_hash_algo, os_hash_value)
SELECT id, IF(MOD(g, 7) = 0, NULL, CONCAT('image ', w.s)), IF(MOD(g, 5) = 0, NULL, g * 1048576),
       IF(dat IS NULL, 'active', 'deleted'), TIMESTAMP '2019-01-01 00:00:00' + INTERVAL g HOUR,
       IF(MOD(g, 3) = 0, NULL, TIMESTAMP '2019-06-01 00:00:00' + INTERVAL g MINUTE),
       dat, IF(dat IS NULL, 0, 1), ELT(1 + MOD(g, 3), 'qcow2', 'raw', 'iso'), 'bare',
       IF(MOD(g, 5) = 0, NULL, MD5(id)), CONCAT('project-', MOD(g, 5)), 0, MOD(g, 2) * 512,
       0, IF(MOD(g, 4) = 0, NULL, g * 2097152),
       ELT(1 + MOD(g, 4), 'private', 'public', 'shared', 'community'), 0,
       IF(MOD(g, 5) = 0, NULL, 'sha512'), IF(MOD(g, 5) = 0, NULL, SHA2(id, 512))
FROM fx_g JOIN fx_w w ON w.n = MOD(g, 13);

-- image_properties: two per image 1..36, ids 2g-1 (k=1, 'os_distro'), 2g (k=2, 'description'):
-- state of the image, but image 16's k=2 is LIVE and image 20's k=2 RECENT; k=1 of live and
-- recent images is old (goes)
INSERT INTO image_properties (id, image_id, name, value, created_at, updated_at, deleted_at, deleted)
SELECT 2 * (g - 1) + k, id, ELT(k, 'os_distro', 'description'),
       IF(MOD(g + k, 5) = 0, NULL, IF(k = 1, 'ubuntu', w.s)),
       TIMESTAMP '2019-01-01 00:00:00' + INTERVAL g HOUR, NULL, dat2, IF(dat2 IS NULL, 0, 1)
FROM (SELECT g, id, k.seq AS k,
             CASE WHEN g = 16 AND k.seq = 2 THEN NULL
                  WHEN g = 20 AND k.seq = 2 THEN @recent
                  WHEN st IN ('live', 'recent') AND k.seq = 1 THEN @old ELSE dat END AS dat2
      FROM fx_g JOIN seq_1_to_2 k WHERE g <= 36) x
JOIN fx_w w ON w.n = MOD(g + k, 13);

-- image_locations: images 1..25, state of the image; image 17's is LIVE
INSERT INTO image_locations (id, image_id, value, created_at, updated_at, deleted_at, deleted, meta_data, status)
SELECT g, id, IF(MOD(g, 2) = 0, CONCAT('file:///var/lib/glance/images/', id),
                 CONCAT('rbd://fsid/images/', id, '/snap')),
       TIMESTAMP '2019-01-01 00:00:00' + INTERVAL g HOUR, NULL, IF(g = 17, NULL, dat),
       IF(g = 17 OR dat IS NULL, 0, 1),
       IF(MOD(g, 3) = 0, NULL, CONCAT('{"store": "', IF(MOD(g, 2) = 0, 'file', 'ceph'), '", "n": "',
                                      REPLACE(REPLACE(w.s, '\\', '\\\\'), '"', '\\"'), '"}')),
       IF(g = 17 OR dat IS NULL, 'active', 'deleted')
FROM fx_g JOIN fx_w w ON w.n = MOD(g + 1, 13) WHERE g <= 25;

-- image_members: images 1..5, 18, 21..23, state of the image; image 18's is LIVE
INSERT INTO image_members (id, image_id, member, can_share, created_at, updated_at, deleted_at, deleted, status)
SELECT g, id, CONCAT('project-é', g), MOD(g, 2), TIMESTAMP '2019-01-01 00:00:00' + INTERVAL g HOUR, NULL,
       IF(g = 18, NULL, dat), IF(g = 18 OR dat IS NULL, 0, 1), ELT(1 + MOD(g, 3), 'pending', 'accepted', 'rejected')
FROM fx_g WHERE g <= 5 OR g IN (18, 21, 22, 23);

-- image_tags: images 1..10, 19, 21..25, state of the image; image 19's is LIVE
INSERT INTO image_tags (id, image_id, value, created_at, updated_at, deleted_at, deleted)
SELECT g, id, CONCAT('tag ', w.s), TIMESTAMP '2019-01-01 00:00:00' + INTERVAL g HOUR, NULL,
       IF(g = 19, NULL, dat), IF(g = 19 OR dat IS NULL, 0, 1)
FROM fx_g JOIN fx_w w ON w.n = MOD(g + 3, 13) WHERE g <= 10 OR g = 19 OR g BETWEEN 21 AND 25;

-- tasks / task_info
INSERT INTO tasks (id, type, status, owner, expires_at, created_at, updated_at, deleted_at, deleted,
  image_id, request_id, user_id)
SELECT CONCAT('c0000000-0000-4000-8000-', LPAD(seq, 12, '0')), 'import',
       IF(seq IN (7, 8), 'processing', 'success'), CONCAT('project-', MOD(seq, 5)),
       IF(seq IN (7, 8), NULL, '2019-02-01 00:00:00'), TIMESTAMP '2019-01-01 00:00:00' + INTERVAL seq HOUR, NULL,
       CASE WHEN seq <= 6 THEN @old WHEN seq <= 8 THEN NULL ELSE @recent END,
       IF(seq IN (7, 8), 0, 1), IF(MOD(seq, 2) = 0, NULL, CONCAT('b0000000-0000-4000-8000-', LPAD(seq, 12, '0'))),
       CONCAT('req-', seq), IF(MOD(seq, 3) = 0, NULL, CONCAT('user-', seq))
FROM seq_1_to_10;
INSERT INTO task_info (task_id, input, result, message)
SELECT CONCAT('c0000000-0000-4000-8000-', LPAD(seq, 12, '0')),
       '{"import_from": "http://example.com/image.qcow2?a=1&b=\'2\'", "import_from_format": "qcow2"}',
       IF(MOD(seq, 2) = 0, NULL, '{"image_id": "x"}'), IF(MOD(seq, 3) = 0, NULL, w.s)
FROM seq_1_to_10 JOIN fx_w w ON w.n = seq WHERE seq NOT IN (4, 5, 6);

-- metadef tables (no deleted_at: never archived)
INSERT INTO metadef_namespaces (id, namespace, display_name, description, visibility, protected, owner, created_at)
VALUES (1, 'OS::Compute::Libvirt', 'Libvirt Driver Options', 'The libvirt compute driver options. « é » \\ ''q''', 'public', 1, 'admin', '2019-01-01 00:00:00'),
       (2, 'OS::Glance::CommonImageProperties', NULL, NULL, 'public', 0, 'admin', '2019-01-01 00:00:00');
INSERT INTO metadef_resource_types (id, name, protected, created_at)
VALUES (1, 'OS::Glance::Image', 1, '2019-01-01 00:00:00'), (2, 'OS::Nova::Server', 1, '2019-01-01 00:00:00');
INSERT INTO metadef_namespace_resource_types (resource_type_id, namespace_id, properties_target, prefix, created_at)
VALUES (1, 1, NULL, 'hw_', '2019-01-01 00:00:00'), (2, 1, 'scheduler_hints', NULL, '2019-01-01 00:00:00');
INSERT INTO metadef_objects (id, namespace_id, name, description, required, json_schema, created_at)
VALUES (1, 1, 'CPU Limits', 'données', '[]', '{"cpu_period": {"type": "integer", "minimum": 1000}}', '2019-01-01 00:00:00');

DROP TEMPORARY TABLE fx_w, fx_g;
