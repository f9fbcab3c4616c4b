-- A case of the foreign-key fuzzer (three tables, 24 rows, a cycle t0 -> t2 -> t0 with several keys each): the dry run once sent a 1.4 MB statement that took the server's memory until the kernel killed it. {db} is the test's database.
SET foreign_key_checks=0;
CREATE TABLE `{db}`.`t0` (
  id VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  u VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
  v VARCHAR(10) NULL,
  deleted_at DATETIME NULL,
  f0_id VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  f1_u VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  f2_u VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uu (u),
  CONSTRAINT fk_t0_0 FOREIGN KEY (f0_id) REFERENCES `{db}`.`t0` (id) ON DELETE RESTRICT,
  CONSTRAINT fk_t0_1 FOREIGN KEY (f1_u) REFERENCES `{db}`.`t2` (u) ON DELETE CASCADE,
  CONSTRAINT fk_t0_2 FOREIGN KEY (f2_u) REFERENCES `{db}`.`t0` (u) ON DELETE CASCADE
) ENGINE=InnoDB;
CREATE TABLE `{db}`.`t1` (
  id VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL,
  u VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL,
  v VARCHAR(10) NULL,
  deleted_at DATETIME NULL,
  f0_id VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL,
  f1_id VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uu (u),
  CONSTRAINT fk_t1_0 FOREIGN KEY (f0_id) REFERENCES `{db}`.`t1` (id) ON DELETE SET NULL,
  CONSTRAINT fk_t1_1 FOREIGN KEY (f1_id) REFERENCES `{db}`.`t1` (id) ON DELETE RESTRICT
) ENGINE=InnoDB;
CREATE TABLE `{db}`.`t2` (
  a INT NOT NULL,
  b VARCHAR(6) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL,
  u VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  v VARCHAR(10) NULL,
  deleted_at DATETIME NULL,
  f0_id VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  f1_id VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL,
  PRIMARY KEY (a,b),
  UNIQUE KEY uu (u),
  CONSTRAINT fk_t2_0 FOREIGN KEY (f0_id) REFERENCES `{db}`.`t0` (id) ON DELETE CASCADE,
  CONSTRAINT fk_t2_1 FOREIGN KEY (f1_id) REFERENCES `{db}`.`t1` (id) ON DELETE SET NULL
) ENGINE=InnoDB;
INSERT INTO `{db}`.`t0` (id,u,v,deleted_at,f0_id,f1_u,f2_u) VALUES ('ABb','cEca','x	y','2001-02-03 04:05:06',NULL,'dcCD',NULL);
INSERT INTO `{db}`.`t0` (id,u,v,deleted_at,f0_id,f1_u,f2_u) VALUES ('dCa','baDb','','2001-02-03 04:05:06','dCa',NULL,NULL);
INSERT INTO `{db}`.`t0` (id,u,v,deleted_at,f0_id,f1_u,f2_u) VALUES ('ceA','CCDB',NULL,'2001-02-03 04:05:06',NULL,'EdDB','cCdb');
INSERT INTO `{db}`.`t0` (id,u,v,deleted_at,f0_id,f1_u,f2_u) VALUES ('DED','ccbB','','2099-01-01 00:00:00','ADc','daae',NULL);
INSERT INTO `{db}`.`t0` (id,u,v,deleted_at,f0_id,f1_u,f2_u) VALUES ('BCE','DEBc','BCCce','2001-02-03 04:05:06',NULL,'Aadb','DeBc');
INSERT INTO `{db}`.`t0` (id,u,v,deleted_at,f0_id,f1_u,f2_u) VALUES ('ADc','aBDd','x	y','2099-01-01 00:00:00','AAc','eCbb',NULL);
INSERT INTO `{db}`.`t0` (id,u,v,deleted_at,f0_id,f1_u,f2_u) VALUES ('AAc','aDbc','x	y','2001-02-03 04:05:06',NULL,'abbc',NULL);
INSERT INTO `{db}`.`t0` (id,u,v,deleted_at,f0_id,f1_u,f2_u) VALUES ('DAB','bdBa','','2001-02-03 04:05:06',NULL,NULL,'AbDD');
INSERT INTO `{db}`.`t0` (id,u,v,deleted_at,f0_id,f1_u,f2_u) VALUES ('eab','DDbA','x	y','2001-02-03 04:05:06',NULL,'BEAC',NULL);
INSERT INTO `{db}`.`t1` (id,u,v,deleted_at,f0_id,f1_id) VALUES ('eDD','cbda',NULL,'2001-02-03 04:05:06','edD','EdD');
INSERT INTO `{db}`.`t1` (id,u,v,deleted_at,f0_id,f1_id) VALUES ('BEe','bECe','','2001-02-03 04:05:06','Bée',NULL);
INSERT INTO `{db}`.`t1` (id,u,v,deleted_at,f0_id,f1_id) VALUES ('deE','bdBD','x	y','2001-02-03 04:05:06','dEE',NULL);
INSERT INTO `{db}`.`t1` (id,u,v,deleted_at,f0_id,f1_id) VALUES ('AdD','aDBC','x	y','2001-02-03 04:05:06',NULL,NULL);
INSERT INTO `{db}`.`t2` (a,b,u,v,deleted_at,f0_id,f1_id) VALUES (0,'dd','abbc','x	y',NULL,'DED','bÉe');
INSERT INTO `{db}`.`t2` (a,b,u,v,deleted_at,f0_id,f1_id) VALUES (3,'ba','dedD','ccBbB','2001-02-03 04:05:06','eab',NULL);
INSERT INTO `{db}`.`t2` (a,b,u,v,deleted_at,f0_id,f1_id) VALUES (2,'da','eCbb','x	y','2001-02-03 04:05:06','DAB',NULL);
INSERT INTO `{db}`.`t2` (a,b,u,v,deleted_at,f0_id,f1_id) VALUES (1,'CD','BEAC',NULL,'2001-02-03 04:05:06','DAB','dée ');
INSERT INTO `{db}`.`t2` (a,b,u,v,deleted_at,f0_id,f1_id) VALUES (0,'eD','aBAc',NULL,'2001-02-03 04:05:06','eab','dee ');
INSERT INTO `{db}`.`t2` (a,b,u,v,deleted_at,f0_id,f1_id) VALUES (3,'Ee','eEce','x	y','2001-02-03 04:05:06','ABb','Dee');
INSERT INTO `{db}`.`t2` (a,b,u,v,deleted_at,f0_id,f1_id) VALUES (3,'dA','dcCD','Eacdc','2099-01-01 00:00:00','dCa','bEe ');
INSERT INTO `{db}`.`t2` (a,b,u,v,deleted_at,f0_id,f1_id) VALUES (3,'ea','daae','x	y',NULL,'dCa','ADD');
INSERT INTO `{db}`.`t2` (a,b,u,v,deleted_at,f0_id,f1_id) VALUES (0,'ce','EdDB','dBCae','2001-02-03 04:05:06',NULL,NULL);
INSERT INTO `{db}`.`t2` (a,b,u,v,deleted_at,f0_id,f1_id) VALUES (0,'Bc','CbeB','x	y','2001-02-03 04:05:06','ADc','ADd');
INSERT INTO `{db}`.`t2` (a,b,u,v,deleted_at,f0_id,f1_id) VALUES (0,'dB','Aadb','x	y','2001-02-03 04:05:06','DED','dEE');
