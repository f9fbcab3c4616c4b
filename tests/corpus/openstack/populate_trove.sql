SET NAMES utf8mb4;
SET @old='2020-03-04 05:06:07', @rec=NOW() - INTERVAL 1 HOUR, @big=REPEAT('xyz😀\\\'"\n',12000), @med=REPEAT('xyz😀\\\'"\n',5000);
INSERT INTO datastores VALUES ('ds1','mysql',NULL);
INSERT INTO datastore_versions VALUES ('dv1','ds1','8.0','img',NULL,1,'mysql',NULL,'8.0','{}','{}'),('dv2','ds1','5.7','img',NULL,0,'mysql',NULL,'5.7','{}','{}');
-- metadata (leaf, CASCADE from datastore_versions which has no deleted_at)
INSERT INTO datastore_version_metadata VALUES ('dm1','dv1','k1','v1',@old,1,@old,NULL),('dm2','dv1','k2','v2',@old,0,NULL,NULL),('dm3','dv2','k3',NULL,@old,1,@rec,NULL);
INSERT INTO configurations VALUES
 ('cf_old_used','c1',NULL,'t1','dv1',1,@old,@old,@old),     -- referenced by live instance: blocked
 ('cf_old_free','c2','émoji 🐬','t1','dv1',1,@old,@old,@old), -- its params old: both go
 ('cf_old_param_live','c3',NULL,'t1','dv1',1,@old,NULL,NULL), -- its param live: blocked (RESTRICT)
 ('cf_live','c4',NULL,'t1','dv1',0,NULL,@old,@old);
INSERT INTO configuration_parameters VALUES
 ('cf_old_free','max_connections','100',1,@old),('cf_old_free','x','y',1,@old),
 ('cf_old_param_live','p','q',0,NULL),('cf_live','p','q',1,@old);
INSERT INTO clusters VALUES ('cl_old_used',@old,@old,'cl1',1,'t1','dv1',1,@old,NULL),('cl_old_free',@old,@old,'cl2',1,'t1','dv1',1,@old,'cf_old_free');
-- instances: self reference slave_of_id
INSERT INTO instances (id,created,updated,name,tenant_id,deleted,deleted_at,datastore_version_id,configuration_id,slave_of_id,cluster_id,access,ssl_ref) VALUES
 ('i01',@old,@old,'primary old',      't1',1,@old,'dv1',NULL,NULL,NULL,NULL,NULL),
 ('i02',@old,@old,'replica old of i01','t1',1,@old,'dv1',NULL,'i01',NULL,@med,NULL),
 ('i03',@old,@old,'old, live replica','t1',1,@old,'dv1',NULL,NULL,NULL,NULL,NULL),
 ('i04',@old,@old,'live replica of i03','t1',0,NULL,'dv1','cf_old_used','i03','cl_old_used',NULL,NULL),
 ('i05',@old,@old,'old, live fault',  't1',1,@old,'dv1',NULL,NULL,NULL,NULL,NULL),
 ('i06',@old,@old,'old, old fault',   't1',1,@old,'dv1',NULL,NULL,NULL,'{"a":"😀"}',''),
 ('i07',@old,@old,'old, recent fault','t1',1,@old,'dv1',NULL,NULL,NULL,NULL,NULL),
 ('i08',@rec,@rec,'recent',           't1',1,@rec,'dv1',NULL,NULL,NULL,NULL,NULL),
 ('i09',@old,@old,'live',             't1',0,NULL,'dv1',NULL,NULL,NULL,NULL,NULL),
 ('i10',@old,@old,'chain top',        't1',1,@old,'dv1',NULL,NULL,NULL,NULL,NULL),
 ('i11',@old,@old,'chain mid',        't1',1,@old,'dv1',NULL,'i10',NULL,NULL,NULL),
 ('i12',@old,@old,'chain live bottom','t1',0,NULL,'dv1',NULL,'i11',NULL,NULL,NULL),
 ('i13',@old,@old,'old with old sg assoc','t1',1,@old,'dv1',NULL,NULL,NULL,NULL,NULL),
 ('i14',@old,@old,'old with old module link; module live','t1',1,@old,'dv1',NULL,NULL,NULL,NULL,NULL),
 ('i15',@old,@old,'old: live assoc (NULL deleted)','t1',NULL,@old,'dv1',NULL,NULL,NULL,NULL,NULL);
INSERT INTO instance_faults VALUES
 ('f05','i05','live fault',@big,@old,@old,0,NULL),
 ('f06','i06','old fault',@big,@old,@old,1,@old),
 ('f07','i07','recent fault','d',@old,@old,1,@rec),
 ('f09','i09','old fault of live instance','🐬',@old,@old,1,@old);
INSERT INTO modules (id,name,type,contents,tenant_id,datastore_id,datastore_version_id,auto_apply,visible,live_update,md5,created,updated,deleted,deleted_at,priority_apply,apply_order,is_admin) VALUES
 ('m_old_live_link','m1','ping',@big,'t1',NULL,NULL,0,1,0,'md5',@old,@old,1,@old,0,5,0),
 ('m_old','m2','ping','c','t1',NULL,NULL,0,1,0,'md5',@old,@old,1,@old,0,5,0),
 ('m_live','m3','ping','c','t1',NULL,NULL,0,1,0,'md5',@old,@old,0,NULL,0,5,0);
INSERT INTO instance_modules VALUES
 ('im1','i09','m_old_live_link','md5',@old,@old,0,NULL),   -- live link: module blocked (cascade)
 ('im2','i14','m_live','md5',@old,@old,1,@old),             -- old link of old instance: go
 ('im3','i09','m_old','md5',@old,@old,1,@old);              -- old link: go, then m_old goes
INSERT INTO security_groups VALUES
 ('sg_old_liverule','sg1',NULL,NULL,'t1',@old,@old,1,@old),
 ('sg_old','sg2','𝄞 clef',NULL,'t1',@old,@old,1,@old),
 ('sg_live','sg3',NULL,NULL,'t1',@old,@old,0,NULL);
INSERT INTO security_group_rules VALUES
 ('r1','sg_old_liverule','sg_old_liverule','tcp',1,2,'0.0.0.0/0',@old,@old,0,NULL),
 ('r2','sg_old','sg_old','tcp',1,2,NULL,@old,@old,1,@old),
 ('r3',NULL,'sg_live','tcp',1,2,NULL,@old,@old,1,@old),
 ('r4','sg_old','sg_live','udp',NULL,NULL,NULL,@old,@old,1,@rec);  -- recent rule of old sg: blocks sg_old via cascade
INSERT INTO security_group_instance_associations VALUES
 ('a13','sg_live','i13',@old,@old,1,@old),
 ('a15','sg_live','i15',@old,@old,0,NULL);
INSERT INTO agent_heartbeats (id,instance_id,updated_at,deleted,deleted_at) SELECT 'hb1','i09',@old,1,@old;
INSERT INTO backups (size,id,name,location,instance_id,created,updated,deleted,deleted_at,tenant_id,state,datastore_version_id) VALUES (0.1,'b1','bk','loc','i01',@old,@old,1,@old,'t1','COMPLETED','dv1'),(3.4028234e38,'b2','bk2','loc','i08',@old,@old,0,NULL,'t1','COMPLETED','dv2');
