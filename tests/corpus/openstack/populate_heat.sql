-- osarchiver CI fixture: heat data (load after heat.sql, in the same database; no USE).
-- Deterministic except for the dates relative to now (recent rows: 2 hours ago, UTC).
-- heat has no `deleted` column: only stack and service have deleted_at (soft delete sets it).
-- Every other table (resource, resource_data, event, stack_lock, stack_tag, sync_point,
-- snapshot, ...) has no deleted_at: never archived, so any row of theirs keeps its stack.
-- All tables are utf8mb4: strings include 4-byte characters.
--
-- stacks 1..30 (id d0000000-0000-4000-8000-0000000000NN):
--   1-8   old, nothing refers to them                                -> go
--   9-10  old, with resources whose resource_data rows hang on them by
--         resource_data.resource_id -> resource.id ON DELETE CASCADE   -> BLOCKED (deleting the
--         stack would need its resources gone, and with them, by the cascade, resource_data
--         rows that are never archived)
--   11    old, with events                                           -> BLOCKED
--   12    old, locked by a stack_lock row                            -> BLOCKED
--   13    old, with a stack_tag                                      -> BLOCKED
--   14    old, with a sync_point                                     -> BLOCKED
--   15    old, with a snapshot (and its resource_snapshot)           -> BLOCKED
--   16-25 live (resources, resource_data, events, tags, a lock)      -> stay
--   26-30 recent (2 h ago)                                           -> stay
-- service: 1 live, 2 old (goes), 3 recent

SET NAMES utf8mb4;
SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO';
SET SESSION time_zone = '+00:00';
SET @now = UTC_TIMESTAMP();
SET @old = TIMESTAMP '2020-01-01 00:00:00';
SET @recent = @now - INTERVAL 2 HOUR;

CREATE TEMPORARY TABLE fx_w (n INT PRIMARY KEY, t VARCHAR(255) CHARACTER SET utf8mb4 NOT NULL);
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
 (12, '{"json": "va\\"lue", "n": [1, 2.5, null], "u": "\\u00e9"}'),
 (13, 'emoji🚀 🙂smile'),
 (14, '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠜎 (4-byte)');

CREATE TEMPORARY TABLE fx_s (s INT PRIMARY KEY, st VARCHAR(8) NOT NULL, dat DATETIME NULL,
                             id CHAR(36) NOT NULL);
INSERT INTO fx_s
SELECT seq, CASE WHEN seq <= 15 THEN 'old' WHEN seq <= 25 THEN 'live' ELSE 'recent' END,
       NULL, CONCAT('d0000000-0000-4000-8000-', LPAD(seq, 12, '0'))
FROM seq_1_to_30;
UPDATE fx_s SET dat = CASE st WHEN 'old' THEN @old WHEN 'live' THEN NULL ELSE @recent END;

INSERT INTO raw_template_files (id, files, created_at, updated_at)
VALUES (1, '{"file:///tmp/a.yaml": "heat_template_version: 2018-08-31\\n# 🚀"}', '2019-01-01 00:00:00', NULL),
       (2, NULL, '2019-01-01 00:00:00', NULL);
INSERT INTO raw_template (id, created_at, updated_at, template, files, environment, files_id)
SELECT seq, TIMESTAMP '2019-01-01 00:00:00' + INTERVAL seq HOUR, NULL,
       CONCAT('{"heat_template_version": "2018-08-31", "description": "', REPLACE(REPLACE(w.t, '\\', '\\\\'), '"', '\\"'),
              '", "resources": {"server": {"type": "OS::Nova::Server"}}}'),
       IF(MOD(seq, 4) = 0, NULL, '{}'), '{"parameters": {}, "resource_registry": {}}',
       CASE MOD(seq, 3) WHEN 0 THEN NULL WHEN 1 THEN 1 ELSE 2 END
FROM seq_1_to_30 JOIN fx_w w ON w.n = MOD(seq, 15);

INSERT INTO user_creds (id, created_at, username, password, region_name, decrypt_method, tenant,
  auth_url, tenant_id, trust_id, trustor_user_id)
SELECT seq, '2019-01-01 00:00:00', CONCAT('user-', seq), IF(MOD(seq, 2) = 0, NULL, 'gAAAAABc''pw\\x'),
       'RegionOne', 'cryptography_decrypt_v1', CONCAT('tenant ', w.t),
       'http://keystone:5000/v3', CONCAT('tenant-', seq), NULL, NULL
FROM seq_1_to_10 JOIN fx_w w ON w.n = seq + 4;

INSERT INTO resource_properties_data (id, data, encrypted, created_at)
SELECT seq, CONCAT('{"name": "', REPLACE(REPLACE(w.t, '\\', '\\\\'), '"', '\\"'), '"}'), 0, '2019-01-01 00:00:00'
FROM seq_1_to_5 JOIN fx_w w ON w.n = seq + 9;

-- stack 1 (old, goes) carries a ~100 KB LONGTEXT current_deps
INSERT INTO stack (id, created_at, updated_at, deleted_at, name, raw_template_id, prev_raw_template_id,
  user_creds_id, username, owner_id, action, status, status_reason, timeout, tenant,
  disable_rollback, stack_user_project_id, backup, nested_depth, convergence, current_traversal,
  current_deps, parent_resource_name)
SELECT id, TIMESTAMP '2019-01-01 00:00:00' + INTERVAL s HOUR,
       IF(MOD(s, 3) = 0, NULL, TIMESTAMP '2019-06-01 00:00:00' + INTERVAL s MINUTE), dat,
       CONCAT('stack ', w.t), s, IF(MOD(s, 4) = 0, s - 1, NULL), IF(s <= 10, s, NULL),
       CONCAT('user-', MOD(s, 7)), IF(s IN (5, 20), CONCAT('d0000000-0000-4000-8000-', LPAD(s - 1, 12, '0')), NULL),
       IF(dat IS NULL, 'CREATE', 'DELETE'), 'COMPLETE', IF(MOD(s, 2) = 0, NULL, CONCAT('Stack ', w.t, ' completed')),
       IF(MOD(s, 5) = 0, NULL, 60), CONCAT('project-', MOD(s, 5)), 1, NULL, 0,
       IF(s IN (5, 20), 1, 0), 1, CONCAT('e0000000-0000-4000-8000-', LPAD(s, 12, '0')),
       CASE WHEN s = 1 THEN CONCAT('{"edges": [', REPEAT('[["a🚀", true], null], ', 4350), '[]]}')
            WHEN MOD(s, 3) = 0 THEN NULL ELSE '{"edges": []}' END,
       IF(s IN (5, 20), CONCAT('nested ', w.t), NULL)
FROM fx_s JOIN fx_w w ON w.n = MOD(s, 15);

-- resource: two per stack 9, 10 (old) and 16..25 (live), ids 2s-1, 2s
INSERT INTO resource (id, uuid, nova_instance, name, created_at, updated_at, action, status,
  status_reason, stack_id, rsrc_metadata, properties_data, engine_id, atomic_key, needed_by,
  requires, replaces, replaced_by, current_template_id, properties_data_encrypted, root_stack_id,
  rsrc_prop_data_id, attr_data_id)
SELECT 2 * (s - 1) + k.seq, CONCAT('f0000000-0000-4000-8000-', LPAD(2 * (s - 1) + k.seq, 12, '0')),
       IF(k.seq = 1, CONCAT('00000000-0000-4000-8000-', LPAD(s, 12, '0')), NULL),
       CONCAT(ELT(k.seq, 'server ', 'port '), w.t), TIMESTAMP '2019-01-01 00:00:00' + INTERVAL s HOUR, NULL,
       'CREATE', 'COMPLETE', IF(MOD(s, 2) = 0, NULL, CONCAT('state changed: ', w.t)), id,
       '{}', NULL, NULL, k.seq, '[]', '[]', NULL, NULL, s, 0, id,
       IF(k.seq = 1, 1 + MOD(s, 5), NULL), NULL
FROM fx_s JOIN seq_1_to_2 k JOIN fx_w w ON w.n = MOD(s + k.seq, 15)
WHERE s IN (9, 10) OR s BETWEEN 16 AND 25;

-- resource_data: two per resource (resource_id -> resource.id ON DELETE CASCADE)
INSERT INTO resource_data (id, created_at, updated_at, `key`, value, redact, decrypt_method, resource_id)
SELECT 2 * (r.id - 1) + k.seq, '2019-01-01 00:00:00', NULL, ELT(k.seq, 'password', 'note'),
       IF(k.seq = 1, 'gAAAAABcXyZ==', IF(MOD(r.id, 4) = 0, NULL, w.t)), 2 - k.seq,
       IF(k.seq = 1, 'cryptography_decrypt_v1', NULL), r.id
FROM resource r JOIN seq_1_to_2 k JOIN fx_w w ON w.n = MOD(r.id, 15);

-- event: 3 for stack 11 (old: BLOCKED), 2 per live stack 16..25, 1 for recent stack 26;
-- resource_properties BLOB with 0x00, quote, backslash, double quote and 0xFF bytes
INSERT INTO event (id, uuid, stack_id, created_at, updated_at, resource_action, resource_status,
  resource_name, physical_resource_id, resource_status_reason, resource_type, resource_properties,
  rsrc_prop_data_id)
SELECT 10 * s + k.seq, CONCAT('e1000000-0000-4000-8000-', LPAD(10 * s + k.seq, 12, '0')), id,
       TIMESTAMP '2019-01-01 00:00:00' + INTERVAL (10 * s + k.seq) MINUTE, NULL, 'CREATE',
       ELT(k.seq, 'IN_PROGRESS', 'COMPLETE', 'FAILED'), CONCAT('res ', w.t),
       IF(k.seq = 1, NULL, CONCAT('phys-', s)), IF(k.seq = 3, CONCAT('Error: ', w.t), 'state changed'),
       'OS::Nova::Server', IF(MOD(s + k.seq, 2) = 0, NULL, CONCAT(X'00275C22FF0A', CHAR(s), X'00')),
       IF(k.seq = 2, 1 + MOD(s, 5), NULL)
FROM fx_s JOIN seq_1_to_3 k JOIN fx_w w ON w.n = MOD(s + k.seq, 15)
WHERE s = 11 OR (s BETWEEN 16 AND 25 AND k.seq <= 2) OR (s = 26 AND k.seq = 1);

INSERT INTO stack_lock (stack_id, created_at, updated_at, engine_id)
VALUES ('d0000000-0000-4000-8000-000000000012', '2019-01-01 00:00:00', NULL, 'e9000000-0000-4000-8000-000000000001'),
       ('d0000000-0000-4000-8000-000000000016', '2019-01-01 00:00:00', NULL, NULL);

INSERT INTO stack_tag (id, created_at, updated_at, tag, stack_id)
SELECT s, '2019-01-01 00:00:00', NULL, CONCAT('tag ', LEFT(w.t, 40)), id
FROM fx_s JOIN fx_w w ON w.n = MOD(s, 15) WHERE s = 13 OR s BETWEEN 16 AND 20;

INSERT INTO sync_point (entity_id, traversal_id, is_update, atomic_key, stack_id, input_data, created_at, updated_at, extra_data)
VALUES ('27', 'e0000000-0000-4000-8000-000000000014', 1, 0, 'd0000000-0000-4000-8000-000000000014',
        '{"input_data": {"🙂": "x\\\\y"}}', '2019-01-01 00:00:00', NULL, NULL),
       ('d0000000-0000-4000-8000-000000000017', 'e0000000-0000-4000-8000-000000000017', 0, 1,
        'd0000000-0000-4000-8000-000000000017', NULL, '2019-01-01 00:00:00', NULL, '{}');

INSERT INTO snapshot (id, stack_id, name, created_at, updated_at, status, status_reason, data, tenant, action)
VALUES ('d1000000-0000-4000-8000-000000000015', 'd0000000-0000-4000-8000-000000000015', 'snap 🚀 l''été',
        '2019-01-01 00:00:00', NULL, 'COMPLETE', NULL, '{"resources": {}}', 'project-0', 'SNAPSHOT'),
       ('d1000000-0000-4000-8000-000000000018', 'd0000000-0000-4000-8000-000000000018', NULL,
        '2019-01-01 00:00:00', NULL, 'COMPLETE', 'ok', NULL, 'project-3', 'SNAPSHOT');
INSERT INTO resource_snapshot (id, snapshot_id, resource_name, created_at, updated_at, data)
VALUES ('d2000000-0000-4000-8000-000000000015', 'd1000000-0000-4000-8000-000000000015', 'server',
        '2019-01-01 00:00:00', NULL, '{"resource_data": {"k": "v\\n"}}');

INSERT INTO software_config (id, created_at, updated_at, name, `group`, config, tenant)
VALUES ('d3000000-0000-4000-8000-000000000001', '2019-01-01 00:00:00', NULL, 'cfg 𝔘', 'script',
        '{"config": "#!/bin/sh\\necho ''hi'' \\\\ 🚀"}', 'project-1');
INSERT INTO software_deployment (id, created_at, updated_at, server_id, config_id, input_values,
  output_values, action, status, status_reason, tenant, stack_user_project_id)
VALUES ('d4000000-0000-4000-8000-000000000001', '2019-01-01 00:00:00', NULL,
        '00000000-0000-4000-8000-000000000031', 'd3000000-0000-4000-8000-000000000001', '{}', NULL,
        'CREATE', 'COMPLETE', NULL, 'project-1', NULL);

INSERT INTO service (id, engine_id, host, hostname, `binary`, topic, report_interval, created_at, updated_at, deleted_at)
VALUES ('d5000000-0000-4000-8000-000000000001', 'e9000000-0000-4000-8000-000000000001', 'ctrl-1', 'ctrl-1.example', 'heat-engine', 'engine', 60, '2019-01-01 00:00:00', '2019-06-01 00:00:00', NULL),
       ('d5000000-0000-4000-8000-000000000002', 'e9000000-0000-4000-8000-000000000002', 'ctrl-2', 'ctrl-2.exämple', 'heat-engine', 'engine', 60, '2019-01-01 00:00:00', NULL, @old),
       ('d5000000-0000-4000-8000-000000000003', 'e9000000-0000-4000-8000-000000000003', 'ctrl-3', 'ctrl-3.example 🚀', 'heat-engine', 'engine', 60, '2019-01-01 00:00:00', NULL, @recent);

DROP TEMPORARY TABLE fx_w, fx_s;
