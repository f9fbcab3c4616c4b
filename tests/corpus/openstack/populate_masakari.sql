SET NAMES utf8mb4;
SET @old='2017-07-08 09:10:11', @rec=NOW() - INTERVAL 1 HOUR;
INSERT INTO failover_segments (created_at,deleted_at,deleted,id,uuid,name,service_type,description,recovery_method,enabled) VALUES
 (@old,@old,1,1,'seg-old-free','seg1','compute','🌀','auto',1),
 (@old,@old,2,2,'seg-old-used','seg2','compute',NULL,'reserved_host',0),
 (@old,NULL,0,3,'seg-live','seg3','compute',NULL,'rh_priority',1),
 (@old,@old,4,4,'seg-old-rechost','seg4','compute',NULL,'auto',NULL);
INSERT INTO hosts (created_at,deleted_at,deleted,id,uuid,name,reserved,type,control_attributes,failover_segment_id,on_maintenance) VALUES
 (@old,@old,1,1,'h1','host1',0,'COMPUTE','ssh','seg-old-free',0),
 (@old,NULL,0,2,'h2','host2',0,'COMPUTE',REPEAT('ä',20000),'seg-old-used',0),
 (@old,@rec,3,3,'h3','host3',0,'COMPUTE','','seg-old-rechost',NULL),
 (@old,@old,4,4,'h4','host4',1,'COMPUTE','x','seg-live',0);
INSERT INTO notifications (created_at,deleted_at,deleted,id,notification_uuid,generated_time,source_host_uuid,type,payload,status,failover_segment_uuid,message) VALUES
 (@old,@old,1,1,'n1',@old,'h1','VM','{"x":"😀"}','finished',NULL,NULL),(@old,NULL,0,2,'n2',@old,'h2','VM',NULL,'new',NULL,NULL);
INSERT INTO vmoves (created_at,deleted_at,deleted,id,uuid,notification_uuid,instance_uuid,instance_name,source_host,dest_host,start_time,end_time,type,status,message) SELECT @old,@old,1,1,'vm1','n1','inst','名前','h1',NULL,NULL,NULL,'evacuation','succeeded',NULL;
