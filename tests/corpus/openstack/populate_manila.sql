SET NAMES utf8mb4;
SET @old='2019-01-02 03:04:05.678901', @rec=NOW(6) - INTERVAL 1 HOUR, @big=REPEAT('ab\\\'"\nç',30);
INSERT INTO share_types (created_at,deleted_at,deleted,id,name,is_public,description) VALUES
 (@old,@old,'st_old_used','st_old_used','gold',1,'used by live instance'),
 (@old,@old,'st_old_free','st_old_free','silver',1,'extra specs old'),
 (@old,@old,'st_old_livespec','st_old_livespec','bronze',1,NULL),
 (@old,NULL,'False','st_live','gold',1,'live');
INSERT INTO share_type_extra_specs (created_at,deleted_at,deleted,id,share_type_id,spec_key,spec_value) VALUES
 (@old,@old,1,1,'st_old_free','k','v'),(@old,@old,2,2,'st_old_free','k2',NULL),
 (@old,NULL,0,3,'st_old_livespec','k','v'),(@old,@old,4,4,'st_live','k','v');
INSERT INTO share_servers (created_at,deleted_at,deleted,id,host,status,source_share_server_id) VALUES
 (@old,@old,'ss1','ss1','h','deleted',NULL),
 (@old,@old,'ss2','ss2','h','deleted','ss1'),      -- old child of old parent (self-ref): both go
 (@old,@old,'ss3','ss3','h','deleted',NULL),
 (@old,@rec,'ss4','ss4','h','deleted','ss3');      -- recent child: ss3 blocked
INSERT INTO shares (created_at,deleted_at,deleted,id,display_name,display_description,size) VALUES
 (@old,@old,'sh1','sh1','old share, old instance','ǅ',1),
 (@old,@old,'sh2','sh2','old share, live instance',@big,2),
 (@old,@old,'sh3','sh3','old share, old inst, live export',NULL,3),
 (@old,NULL,'False','sh4','live share',NULL,4),
 (@rec,@rec,'sh5','sh5','recent',NULL,5);
INSERT INTO share_metadata (created_at,deleted_at,deleted,id,share_id,`key`,value) VALUES
 (@old,@old,1,1,'sh1','k','v'),(@old,NULL,0,2,'sh4','k',@big),(@old,@old,3,3,'sh4','gone','x');
INSERT INTO share_instances (created_at,deleted_at,deleted,id,share_id,host,status,share_server_id,share_type_id,cast_rules_to_readonly) VALUES
 (@old,@old,'si1','si1','sh1','h','deleted','ss1','st_old_free',0),
 (@old,NULL,'False','si2','sh2','h','available',NULL,'st_old_used',0),
 (@old,@old,'si3','si3','sh3','h','deleted','ss3',NULL,0),
 (@old,NULL,'False','si4','sh4','h','available',NULL,'st_live',1);
INSERT INTO share_instance_export_locations (id,created_at,deleted_at,deleted,path,share_instance_id,is_admin_only,uuid) VALUES
 (1,@old,@old,1,'/p1','si1',0,'u1'),(2,@old,NULL,0,'/p3','si3',0,'u2'),(3,@old,@old,3,REPEAT('/ü',1000),'si4',NULL,'u3');
INSERT INTO share_instance_export_locations_metadata (id,created_at,deleted_at,deleted,export_location_id,`key`,value) VALUES
 (1,@old,@old,1,1,'k','v'),(2,@old,@old,2,3,'k','v'),(3,@old,@rec,3,3,'k2','recent');   -- 3 blocks export location 3
-- quota usages / reservations
INSERT INTO quota_usages (created_at,deleted_at,deleted,id,project_id,resource,in_use,reserved,until_refresh) VALUES (@old,@old,1,1,'p','shares',0,0,NULL),(@old,NULL,0,2,'p','gigabytes',1,0,NULL);
INSERT INTO reservations (created_at,deleted_at,deleted,id,uuid,usage_id,project_id,resource,delta,expire) VALUES (@old,@old,1,1,'r1',1,'p','shares',1,@old),(@old,@old,2,2,'r2',2,'p','gigabytes',-1,NULL);
-- a row today's sql_mode refuses: zero date
SET SESSION sql_mode='';
INSERT INTO messages (created_at,deleted_at,deleted,id,project_id,request_id,resource_type,resource_id,action_id,detail_id,message_level,expires_at) VALUES ('0000-00-00 00:00:00',@old,1,'msg1','p','req','SHARE','sh1','001','001','ERROR','0000-00-00 00:00:00');
INSERT INTO messages (created_at,deleted_at,deleted,id,project_id,action_id,message_level) VALUES (NULL,'0000-00-00 00:00:00.000000','msg2','msg2','p','002','INFO'),(@old,NULL,'False','msg3','p','003','INFO');
