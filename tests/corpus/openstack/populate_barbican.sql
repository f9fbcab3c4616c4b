SET NAMES utf8mb4;
SET @old='2018-05-06 07:08:09', @rec=NOW() - INTERVAL 1 HOUR;
INSERT INTO projects VALUES ('ext-old-free','p_old_free',@old,@old,@old,1,'ACTIVE'),('ext-old-used','p_old_used',@old,@old,@old,1,'ACTIVE'),('ext-live','p_live',@old,@old,NULL,0,'ACTIVE'),(NULL,'p_old_nullext',@old,@old,@old,1,'ACTIVE');
INSERT INTO kek_data VALUES ('simple','lbl','p_old_free',0,1,'aes',256,'cbc','meta 🔑','k_old',@old,@old,@old,1,'ACTIVE'),('simple',NULL,'p_live',1,1,NULL,NULL,NULL,NULL,'k_live',@old,@old,NULL,0,'ACTIVE');
INSERT INTO secrets (name,project_id,id,created_at,updated_at,deleted_at,deleted,status,expiration) VALUES
 ('s old of old project','p_old_free','s1',@old,@old,@old,1,'ACTIVE',NULL),
 ('s live of old project','p_old_used','s2',@old,@old,NULL,0,'ACTIVE','9999-12-31 23:59:59'),
 ('s old, acl old, acl user live','p_live','s3',@old,@old,@old,1,'ACTIVE',NULL),
 ('s old, live enc data','p_live','s4',@old,@old,@old,1,'ACTIVE',NULL),
 ('🐙 recent','p_live','s5',@rec,@rec,@rec,1,'ACTIVE',NULL);
INSERT INTO encrypted_data VALUES ('application/octet-stream','s1','k_old',REPEAT('QUJD',15000),NULL,'e1',@old,@old,@old,1,'ACTIVE'),
 (NULL,'s4','k_live','x',NULL,'e4',@old,@old,NULL,0,'ACTIVE');
INSERT INTO secret_acls VALUES ('s3','read',1,'acl3',@old,@old,@old,1,'ACTIVE'),('s1','read',0,'acl1',@old,@old,@old,1,'ACTIVE');
INSERT INTO secret_acl_users VALUES ('acl3','u1','au1',@old,@old,NULL,0,'ACTIVE'),('acl1','u2','au2',@old,@old,@old,1,'ACTIVE');
INSERT INTO secret_store_metadata VALUES ('k','v','s2','sm1',@old,@old,@old,1,'ACTIVE');
