-- osarchiver demo data: small OpenStack-like databases nova, cinder and glance (about 300 rows).
--
-- Deterministic except for the dates, which are relative to the time of loading (UTC_TIMESTAMP(),
-- i.e. NOW() in UTC, as OpenStack stores its dates), so the demo works on any date with
-- `retention = 30 DAY`:
--   * live rows:             deleted_at IS NULL;
--   * recently deleted rows: deleted_at 2 to 20 days ago, inside the retention: they stay;
--   * long-deleted rows:     deleted_at 40 days or more ago: eligible, archived then deleted;
--   * a few live children of long-deleted parents: the FOREIGN KEY keeps those parents in place
--     (nova.instances 5 and 15 and one instance_actions row, cinder volume 9, glance image 6);
--   * nova.shadow_instances is excluded by `excluded_tables = shadow_.*`, nova.services has no
--     deleted_at column: neither is touched;
--   * awkward values: unicode (including 4-byte), quotes, backslashes, commas, newlines, tabs,
--     NULL next to '', a BLOB with 0x00/0xff bytes, a DECIMAL.
-- Loading it drops and recreates nova, cinder, glance and their *_archive databases.
-- Needs MariaDB (the Sequence engine's seq_1_to_N tables).

SET NAMES utf8mb4;
SET @now = UTC_TIMESTAMP();

DROP DATABASE IF EXISTS nova;
DROP DATABASE IF EXISTS cinder;
DROP DATABASE IF EXISTS glance;
DROP DATABASE IF EXISTS nova_archive;
DROP DATABASE IF EXISTS cinder_archive;
DROP DATABASE IF EXISTS glance_archive;

-- ---------------------------------------------------------------------------------------------
-- nova
-- ---------------------------------------------------------------------------------------------
CREATE DATABASE nova CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
USE nova;

-- The 30 instances and their fate, by n (1..30):
--   n % 10 in (1, 2, 3): live (9);  n % 10 = 4: deleted 6 to 16 days ago (3);  otherwise: deleted
--   40 to 400 days ago (18).
CREATE TEMPORARY TABLE demo_instance AS
SELECT seq AS n,
  LOWER(CONCAT_WS('-', SUBSTR(MD5(CONCAT('in', seq)), 1, 8), SUBSTR(MD5(CONCAT('in', seq)), 9, 4),
    SUBSTR(MD5(CONCAT('in', seq)), 13, 4), SUBSTR(MD5(CONCAT('in', seq)), 17, 4),
    SUBSTR(MD5(CONCAT('in', seq)), 21, 12))) AS uuid,
  CASE
    WHEN seq % 10 IN (1, 2, 3) THEN NULL
    WHEN seq % 10 = 4 THEN @now - INTERVAL (6 + seq % 11) DAY - INTERVAL seq HOUR
    ELSE @now - INTERVAL (40 + (seq * 37) % 360) DAY - INTERVAL seq MINUTE
  END AS deleted_at
FROM seq_1_to_30;

CREATE TABLE instances (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  uuid VARCHAR(36) NOT NULL,
  hostname VARCHAR(255),
  display_name VARCHAR(255),
  vm_state VARCHAR(255),
  memory_mb INT,
  vcpus INT,
  user_data MEDIUMTEXT,
  created_at DATETIME, updated_at DATETIME, deleted_at DATETIME, deleted INT DEFAULT 0,
  UNIQUE KEY uniq_instances0uuid (uuid),
  KEY instances_deleted_at_idx (deleted_at)
) ENGINE=InnoDB;

CREATE TABLE instance_metadata (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `key` VARCHAR(255), value VARCHAR(255), instance_uuid VARCHAR(36),
  created_at DATETIME, updated_at DATETIME, deleted_at DATETIME, deleted INT DEFAULT 0,
  CONSTRAINT instance_metadata_instance_uuid_fkey FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)
) ENGINE=InnoDB;

CREATE TABLE instance_faults (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  instance_uuid VARCHAR(36), code INT NOT NULL, message VARCHAR(255), details MEDIUMTEXT, host VARCHAR(255),
  created_at DATETIME, updated_at DATETIME, deleted_at DATETIME, deleted INT DEFAULT 0,
  CONSTRAINT fk_instance_faults_instance_uuid FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)
) ENGINE=InnoDB;

CREATE TABLE block_device_mapping (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  device_name VARCHAR(255), delete_on_termination TINYINT(1), volume_id VARCHAR(36), volume_size INT,
  connection_info MEDIUMTEXT, instance_uuid VARCHAR(36),
  created_at DATETIME, updated_at DATETIME, deleted_at DATETIME, deleted INT DEFAULT 0,
  CONSTRAINT block_device_mapping_instance_uuid_fkey FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)
) ENGINE=InnoDB;

CREATE TABLE instance_extra (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  instance_uuid VARCHAR(36) NOT NULL, flavor TEXT, trusted_certs BLOB, resources DECIMAL(12,4),
  created_at DATETIME, updated_at DATETIME, deleted_at DATETIME, deleted INT DEFAULT 0,
  CONSTRAINT instance_extra_instance_uuid_fkey FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)
) ENGINE=InnoDB;

CREATE TABLE instance_actions (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  action VARCHAR(255), instance_uuid VARCHAR(36), request_id VARCHAR(255), start_time DATETIME,
  finish_time DATETIME, message VARCHAR(255),
  created_at DATETIME, updated_at DATETIME, deleted_at DATETIME, deleted INT DEFAULT 0,
  CONSTRAINT fk_instance_actions_instance_uuid FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)
) ENGINE=InnoDB;

CREATE TABLE instance_actions_events (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event VARCHAR(255), action_id INT, start_time DATETIME, finish_time DATETIME, result VARCHAR(255),
  traceback TEXT, host VARCHAR(255),
  created_at DATETIME, updated_at DATETIME, deleted_at DATETIME, deleted INT DEFAULT 0,
  CONSTRAINT instance_actions_events_ibfk_1 FOREIGN KEY (action_id) REFERENCES instance_actions (id)
) ENGINE=InnoDB;

-- Excluded by excluded_tables = shadow_.* although its rows are long deleted.
CREATE TABLE shadow_instances LIKE instances;

-- No deleted_at column: never archived.
CREATE TABLE services (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  host VARCHAR(255), `binary` VARCHAR(255), topic VARCHAR(255), report_count INT NOT NULL DEFAULT 0,
  disabled TINYINT(1), created_at DATETIME, updated_at DATETIME
) ENGINE=InnoDB;

INSERT INTO instances (id, uuid, hostname, display_name, vm_state, memory_mb, vcpus, user_data,
  created_at, updated_at, deleted_at, deleted)
SELECT n, uuid, CONCAT('vm-', n),
  CASE n
    WHEN 6 THEN 'Émilie''s "test" VM – 中文 🚀'
    WHEN 7 THEN 'back\\slash C:\\temp\\ and a trailing \\'
    WHEN 8 THEN ''
    WHEN 9 THEN NULL
    WHEN 10 THEN 'comma, "quoted", and\nnewline\tand tab'
    ELSE CONCAT('Instance ', n)
  END,
  IF(deleted_at IS NULL, 'active', 'deleted'), 512 * (1 + n % 4), 1 + n % 4,
  CASE WHEN n % 5 = 0 THEN NULL WHEN n = 8 THEN '' ELSE TO_BASE64(CONCAT('#cloud-config\nhostname: vm-', n)) END,
  COALESCE(deleted_at, @now) - INTERVAL (30 + n) DAY, COALESCE(deleted_at, @now - INTERVAL n DAY),
  deleted_at, IF(deleted_at IS NULL, 0, n)
FROM demo_instance;

-- Two metadata rows per instance, deleted with it. On live instances 3, 13 and 23 the 'owner'
-- key was removed 100 days ago (eligible rows whose parent stays). Instance 5's 'tier' row was
-- left live: instance 5 is blocked by the foreign key.
INSERT INTO instance_metadata (`key`, value, instance_uuid, created_at, updated_at, deleted_at, deleted)
SELECT IF(k.seq = 1, 'tier', 'owner'),
  CASE WHEN i.n = 6 AND k.seq = 2 THEN 'José "Pepe" O''Brien – 日本語'
       WHEN i.n = 7 AND k.seq = 2 THEN 'C:\\Users\\'
       WHEN i.n = 8 AND k.seq = 2 THEN ''
       WHEN i.n = 9 AND k.seq = 2 THEN NULL
       ELSE CONCAT(IF(k.seq = 1, 'gold-', 'team-'), i.n) END,
  i.uuid, @now - INTERVAL 500 DAY, @now - INTERVAL 400 DAY,
  CASE WHEN i.n = 5 AND k.seq = 1 THEN NULL
       WHEN i.deleted_at IS NULL AND k.seq = 2 AND i.n % 10 = 3 THEN @now - INTERVAL 100 DAY
       ELSE i.deleted_at END,
  CASE WHEN i.n = 5 AND k.seq = 1 THEN 0
       WHEN i.deleted_at IS NULL AND k.seq = 2 AND i.n % 10 = 3 THEN 1
       ELSE IF(i.deleted_at IS NULL, 0, 1) END
FROM demo_instance i JOIN seq_1_to_2 k ORDER BY i.n, k.seq;

-- A fault on every other instance.
INSERT INTO instance_faults (instance_uuid, code, message, details, host, created_at, updated_at, deleted_at, deleted)
SELECT uuid, 500, IF(n = 6, 'No valid host: «aucun hôte»', 'NoValidHost'),
  IF(n = 10, 'Traceback (most recent call last):\n  File "x.py", line 1\n    raise Exception(''boom'')\n', REPEAT('detail ', 5)),
  'compute-2', @now - INTERVAL 450 DAY, NULL, deleted_at, IF(deleted_at IS NULL, 0, 1)
FROM demo_instance WHERE n % 2 = 0;

INSERT INTO block_device_mapping (device_name, delete_on_termination, volume_id, volume_size, connection_info,
  instance_uuid, created_at, updated_at, deleted_at, deleted)
SELECT '/dev/vda', 1, NULL, 10,
  CONCAT('{"driver_volume_type": "rbd", "data": {"name": "volumes/vol-', n, '", "auth": "a\\\\b"}}'),
  uuid, @now - INTERVAL 450 DAY, NULL, deleted_at, IF(deleted_at IS NULL, 0, 1)
FROM demo_instance;

-- A BLOB with 0x00, 0xff, CR, LF, backslash and quote bytes on every third instance, an empty
-- BLOB on instance 10, NULL otherwise; a DECIMAL.
INSERT INTO instance_extra (instance_uuid, flavor, trusted_certs, resources, created_at, updated_at, deleted_at, deleted)
SELECT uuid, CONCAT('{"cur": {"nova_object.name": "Flavor", "memory_mb": ', 512 * (1 + n % 4), '}}'),
  CASE WHEN n % 3 = 0 THEN UNHEX(CONCAT(MD5(n), '00FF0A0D5C2722')) WHEN n = 10 THEN '' ELSE NULL END,
  n / 7, @now - INTERVAL 450 DAY, NULL, deleted_at, IF(deleted_at IS NULL, 0, 1)
FROM demo_instance;

-- Two actions per instance, one event per action. The event of instance 15's 'delete' action
-- was left live: that action stays, and so does instance 15.
INSERT INTO instance_actions (action, instance_uuid, request_id, start_time, finish_time, message,
  created_at, updated_at, deleted_at, deleted)
SELECT IF(k.seq = 1, 'create', 'delete'), i.uuid, CONCAT('req-', MD5(CONCAT(i.n, ':', k.seq))),
  @now - INTERVAL 450 DAY, @now - INTERVAL 450 DAY + INTERVAL 12 SECOND, NULL,
  @now - INTERVAL 450 DAY, NULL, i.deleted_at, IF(i.deleted_at IS NULL, 0, 1)
FROM demo_instance i JOIN seq_1_to_2 k ORDER BY i.n, k.seq;

INSERT INTO instance_actions_events (event, action_id, start_time, finish_time, result, traceback, host,
  created_at, updated_at, deleted_at, deleted)
SELECT IF(a.action = 'create', 'compute_build_and_run_instance', 'compute_terminate_instance'), a.id,
  a.start_time, a.finish_time, 'Success', NULL, 'compute-1', a.created_at, NULL,
  IF(i.n = 15 AND a.action = 'delete', NULL, a.deleted_at),
  IF(i.n = 15 AND a.action = 'delete', 0, a.deleted)
FROM instance_actions a JOIN demo_instance i ON i.uuid = a.instance_uuid ORDER BY a.id;

INSERT INTO shadow_instances (id, uuid, hostname, display_name, vm_state, memory_mb, vcpus, user_data,
  created_at, updated_at, deleted_at, deleted)
SELECT 1000 + seq, CONCAT('shadow-', seq), CONCAT('old-vm-', seq), CONCAT('Old instance ', seq), 'deleted',
  512, 1, NULL, @now - INTERVAL 900 DAY, NULL, @now - INTERVAL (400 + seq) DAY, 1000 + seq
FROM seq_1_to_8;

INSERT INTO services (host, `binary`, topic, report_count, disabled, created_at, updated_at)
SELECT CONCAT('compute-', seq), 'nova-compute', 'compute', 1000 * seq, 0, @now - INTERVAL 900 DAY, @now
FROM seq_1_to_4;
INSERT INTO services (host, `binary`, topic, report_count, disabled, created_at, updated_at)
VALUES ('controller-1', 'nova-scheduler', 'scheduler', 4242, 0, @now - INTERVAL 900 DAY, @now);

-- ---------------------------------------------------------------------------------------------
-- cinder: string (uuid) primary keys
-- ---------------------------------------------------------------------------------------------
CREATE DATABASE cinder CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
USE cinder;

-- 20 volumes: n % 5 = 1 live (4), n % 5 = 2 deleted 3 to 12 days ago (4), otherwise deleted 45 to
-- 300 days ago (12).
CREATE TEMPORARY TABLE demo_volume AS
SELECT seq AS n,
  LOWER(CONCAT_WS('-', SUBSTR(MD5(CONCAT('vo', seq)), 1, 8), SUBSTR(MD5(CONCAT('vo', seq)), 9, 4),
    SUBSTR(MD5(CONCAT('vo', seq)), 13, 4), SUBSTR(MD5(CONCAT('vo', seq)), 17, 4),
    SUBSTR(MD5(CONCAT('vo', seq)), 21, 12))) AS id,
  CASE
    WHEN seq % 5 = 1 THEN NULL
    WHEN seq % 5 = 2 THEN @now - INTERVAL (3 + seq % 10) DAY
    ELSE @now - INTERVAL (45 + (seq * 53) % 255) DAY - INTERVAL seq SECOND
  END AS deleted_at
FROM seq_1_to_20;

CREATE TABLE volumes (
  created_at DATETIME, updated_at DATETIME, deleted_at DATETIME, deleted TINYINT(1),
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  size INT, host VARCHAR(255), status VARCHAR(255), display_name VARCHAR(255), display_description VARCHAR(255),
  bootable TINYINT(1)
) ENGINE=InnoDB;

CREATE TABLE volume_metadata (
  created_at DATETIME, updated_at DATETIME, deleted_at DATETIME, deleted TINYINT(1),
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  volume_id VARCHAR(36) NOT NULL, `key` VARCHAR(255), value VARCHAR(255),
  CONSTRAINT volume_metadata_ibfk_1 FOREIGN KEY (volume_id) REFERENCES volumes (id)
) ENGINE=InnoDB;

CREATE TABLE snapshots (
  created_at DATETIME, updated_at DATETIME, deleted_at DATETIME, deleted TINYINT(1),
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  volume_id VARCHAR(36) NOT NULL, status VARCHAR(255), progress VARCHAR(255), volume_size INT,
  display_name VARCHAR(255),
  CONSTRAINT snapshots_volume_id_fkey FOREIGN KEY (volume_id) REFERENCES volumes (id)
) ENGINE=InnoDB;

INSERT INTO volumes
SELECT @now - INTERVAL 400 DAY, NULL, deleted_at, deleted_at IS NOT NULL, id,
  10 * (1 + n % 3), 'cinder@rbd#rbd', IF(deleted_at IS NULL, 'available', 'deleted'),
  CASE n WHEN 3 THEN 'données «chiffrées»' WHEN 4 THEN 'it''s a "volume"\\n' WHEN 8 THEN '' ELSE CONCAT('vol-', n) END,
  IF(n = 9, NULL, CONCAT('Volume number ', n)), n % 2
FROM demo_volume ORDER BY n;

INSERT INTO volume_metadata (created_at, updated_at, deleted_at, deleted, volume_id, `key`, value)
SELECT @now - INTERVAL 400 DAY, NULL, deleted_at, deleted_at IS NOT NULL, id, 'readonly', 'False'
FROM demo_volume ORDER BY n;
INSERT INTO volume_metadata (created_at, updated_at, deleted_at, deleted, volume_id, `key`, value)
SELECT @now - INTERVAL 400 DAY, NULL, deleted_at, deleted_at IS NOT NULL, id, 'attached_mode',
  IF(n = 3, 'rw; «é»', 'rw')
FROM demo_volume WHERE n % 2 = 1 ORDER BY n;

-- A snapshot of every third volume and of volume 9; volume 9's snapshot was left live: volume 9 stays.
INSERT INTO snapshots
SELECT @now - INTERVAL 350 DAY, NULL, IF(n = 9, NULL, deleted_at), IF(n = 9, 0, deleted_at IS NOT NULL),
  LOWER(CONCAT_WS('-', SUBSTR(MD5(CONCAT('sn', n)), 1, 8), SUBSTR(MD5(CONCAT('sn', n)), 9, 4),
    SUBSTR(MD5(CONCAT('sn', n)), 13, 4), SUBSTR(MD5(CONCAT('sn', n)), 17, 4), SUBSTR(MD5(CONCAT('sn', n)), 21, 12))),
  id, IF(n = 9 OR deleted_at IS NULL, 'available', 'deleted'), '100%', 10 * (1 + n % 3), CONCAT('snap-', n)
FROM demo_volume WHERE n % 3 = 1 OR n = 9 ORDER BY n;

-- ---------------------------------------------------------------------------------------------
-- glance: image_properties has a composite primary key
-- ---------------------------------------------------------------------------------------------
CREATE DATABASE glance CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
USE glance;

-- 16 images: n % 4 = 1 live (4), n = 4 and 8 deleted 1 and 5 days ago (2), otherwise deleted
-- 60 to 700 days ago (10).
CREATE TEMPORARY TABLE demo_image AS
SELECT seq AS n,
  LOWER(CONCAT_WS('-', SUBSTR(MD5(CONCAT('im', seq)), 1, 8), SUBSTR(MD5(CONCAT('im', seq)), 9, 4),
    SUBSTR(MD5(CONCAT('im', seq)), 13, 4), SUBSTR(MD5(CONCAT('im', seq)), 17, 4),
    SUBSTR(MD5(CONCAT('im', seq)), 21, 12))) AS id,
  CASE
    WHEN seq % 4 = 1 THEN NULL
    WHEN seq IN (4, 8) THEN @now - INTERVAL IF(seq = 4, 1, 5) DAY
    ELSE @now - INTERVAL (60 + (seq * 71) % 640) DAY
  END AS deleted_at
FROM seq_1_to_16;

CREATE TABLE images (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  name VARCHAR(255), size BIGINT, status VARCHAR(30) NOT NULL, checksum VARCHAR(32),
  min_disk INT NOT NULL DEFAULT 0, min_ram INT NOT NULL DEFAULT 0, owner VARCHAR(255), protected TINYINT(1) NOT NULL DEFAULT 0,
  visibility ENUM('private','public','shared','community') NOT NULL DEFAULT 'shared',
  created_at DATETIME NOT NULL, updated_at DATETIME, deleted_at DATETIME, deleted TINYINT(1) NOT NULL DEFAULT 0,
  KEY ix_images_deleted (deleted)
) ENGINE=InnoDB;

CREATE TABLE image_properties (
  image_id VARCHAR(36) NOT NULL,
  name VARCHAR(255) NOT NULL,
  value TEXT,
  created_at DATETIME NOT NULL, updated_at DATETIME, deleted_at DATETIME, deleted TINYINT(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (image_id, name),
  CONSTRAINT image_properties_ibfk_1 FOREIGN KEY (image_id) REFERENCES images (id)
) ENGINE=InnoDB;

INSERT INTO images
SELECT id, CASE n WHEN 2 THEN 'Ubuntu 24.04 «Noble» 🐧' WHEN 3 THEN 'win\\2022 "datacenter"' WHEN 10 THEN NULL
  ELSE CONCAT('image-', n) END,
  1073741824 * n + 12345, IF(deleted_at IS NULL, 'active', 'deleted'), MD5(CONCAT('image', n)), 10, 512,
  'admin', 0, ELT(1 + n % 4, 'private', 'public', 'shared', 'community'),
  @now - INTERVAL 800 DAY, NULL, deleted_at, deleted_at IS NOT NULL
FROM demo_image ORDER BY n;

-- Three properties per image; image 6's 'os_distro' was left live: image 6 stays.
INSERT INTO image_properties
SELECT i.id, ELT(k.seq, 'os_distro', 'hw_disk_bus', 'description'),
  CASE k.seq WHEN 1 THEN 'ubuntu' WHEN 2 THEN IF(i.n = 5, NULL, 'virtio')
    ELSE IF(i.n = 2, 'Line 1\nLine 2, with "quotes" and \\backslash\\', CONCAT('Image ', i.n)) END,
  @now - INTERVAL 800 DAY, NULL,
  IF(i.n = 6 AND k.seq = 1, NULL, i.deleted_at), IF(i.n = 6 AND k.seq = 1, 0, i.deleted_at IS NOT NULL)
FROM demo_image i JOIN seq_1_to_3 k ORDER BY i.n, k.seq;

DROP TEMPORARY TABLE cinder.demo_volume;
DROP TEMPORARY TABLE glance.demo_image;
DROP TEMPORARY TABLE nova.demo_instance;
