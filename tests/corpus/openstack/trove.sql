/*M!999999\- enable the sandbox mode */ 

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `agent_heartbeats` (
  `id` varchar(36) NOT NULL,
  `instance_id` varchar(36) NOT NULL,
  `guest_agent_version` varchar(255) DEFAULT NULL,
  `deleted` tinyint(1) DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `ix_agent_heartbeats_instance_id` (`instance_id`),
  KEY `ix_agent_heartbeats_deleted` (`deleted`),
  KEY `ix_agent_heartbeats_guest_agent_version` (`guest_agent_version`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `alembic_version` (
  `version_num` varchar(32) NOT NULL,
  PRIMARY KEY (`version_num`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `backup_strategy` (
  `id` varchar(36) NOT NULL,
  `tenant_id` varchar(36) NOT NULL,
  `instance_id` varchar(36) NOT NULL,
  `backend` varchar(255) NOT NULL,
  `swift_container` varchar(255) DEFAULT NULL,
  `created` datetime DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `UQ_backup_strategy_tenant_id_instance_id` (`tenant_id`,`instance_id`),
  KEY `backup_strategy_tenant_id_instance_id` (`tenant_id`,`instance_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `backups` (
  `id` varchar(36) NOT NULL,
  `name` varchar(255) NOT NULL,
  `description` varchar(512) DEFAULT NULL,
  `location` varchar(1024) DEFAULT NULL,
  `backup_type` varchar(32) DEFAULT NULL,
  `size` float DEFAULT NULL,
  `tenant_id` varchar(36) DEFAULT NULL,
  `state` varchar(32) NOT NULL,
  `instance_id` varchar(36) DEFAULT NULL,
  `checksum` varchar(32) DEFAULT NULL,
  `backup_timestamp` datetime DEFAULT NULL,
  `deleted` tinyint(1) DEFAULT NULL,
  `created` datetime DEFAULT NULL,
  `updated` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `parent_id` varchar(36) DEFAULT NULL,
  `datastore_version_id` varchar(36) DEFAULT NULL,
  `storage_driver` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `backups_ibfk_1` (`datastore_version_id`),
  KEY `backups_instance_id` (`instance_id`),
  KEY `backups_deleted` (`deleted`),
  CONSTRAINT `backups_ibfk_1` FOREIGN KEY (`datastore_version_id`) REFERENCES `datastore_versions` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `capabilities` (
  `id` varchar(36) NOT NULL,
  `name` varchar(255) DEFAULT NULL,
  `description` varchar(255) NOT NULL,
  `enabled` tinyint(1) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `name` (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `capability_overrides` (
  `id` varchar(36) NOT NULL,
  `datastore_version_id` varchar(36) DEFAULT NULL,
  `capability_id` varchar(36) DEFAULT NULL,
  `enabled` tinyint(1) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_datastore_capabilities_enabled` (`datastore_version_id`,`capability_id`),
  KEY `capability_id` (`capability_id`),
  CONSTRAINT `capability_overrides_ibfk_1` FOREIGN KEY (`datastore_version_id`) REFERENCES `datastore_versions` (`id`),
  CONSTRAINT `capability_overrides_ibfk_2` FOREIGN KEY (`capability_id`) REFERENCES `capabilities` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `clusters` (
  `id` varchar(36) NOT NULL,
  `created` datetime NOT NULL,
  `updated` datetime NOT NULL,
  `name` varchar(255) NOT NULL,
  `task_id` int(11) NOT NULL,
  `tenant_id` varchar(36) NOT NULL,
  `datastore_version_id` varchar(36) NOT NULL,
  `deleted` tinyint(1) DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `configuration_id` varchar(36) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `clusters_ibfk_1` (`datastore_version_id`),
  KEY `clusters_ibfk_2` (`configuration_id`),
  KEY `clusters_tenant_id` (`tenant_id`),
  KEY `clusters_deleted` (`deleted`),
  CONSTRAINT `clusters_ibfk_1` FOREIGN KEY (`datastore_version_id`) REFERENCES `datastore_versions` (`id`),
  CONSTRAINT `clusters_ibfk_2` FOREIGN KEY (`configuration_id`) REFERENCES `configurations` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `conductor_lastseen` (
  `instance_id` varchar(36) NOT NULL,
  `method_name` varchar(36) NOT NULL,
  `sent` double DEFAULT NULL,
  PRIMARY KEY (`instance_id`,`method_name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `configuration_parameters` (
  `configuration_id` varchar(36) NOT NULL,
  `configuration_key` varchar(128) NOT NULL,
  `configuration_value` varchar(128) DEFAULT NULL,
  `deleted` tinyint(1) NOT NULL,
  `deleted_at` datetime DEFAULT NULL,
  PRIMARY KEY (`configuration_id`,`configuration_key`),
  CONSTRAINT `configuration_parameters_ibfk_1` FOREIGN KEY (`configuration_id`) REFERENCES `configurations` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `configurations` (
  `id` varchar(36) NOT NULL,
  `name` varchar(64) NOT NULL,
  `description` varchar(256) DEFAULT NULL,
  `tenant_id` varchar(36) NOT NULL,
  `datastore_version_id` varchar(36) NOT NULL,
  `deleted` tinyint(1) NOT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `created` datetime DEFAULT NULL,
  `updated` datetime DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `datastore_configuration_parameters` (
  `id` varchar(36) NOT NULL,
  `name` varchar(128) NOT NULL,
  `datastore_version_id` varchar(36) NOT NULL,
  `restart_required` tinyint(1) NOT NULL,
  `max_size` varchar(40) DEFAULT NULL,
  `min_size` varchar(40) DEFAULT NULL,
  `data_type` varchar(128) NOT NULL,
  PRIMARY KEY (`id`,`name`,`datastore_version_id`),
  UNIQUE KEY `UQ_datastore_configuration_parameters_datastore_version_id_name` (`datastore_version_id`,`name`),
  CONSTRAINT `datastore_configuration_parameters_ibfk_1` FOREIGN KEY (`datastore_version_id`) REFERENCES `datastore_versions` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `datastore_version_metadata` (
  `id` varchar(36) NOT NULL,
  `datastore_version_id` varchar(36) DEFAULT NULL,
  `key` varchar(128) NOT NULL,
  `value` varchar(128) DEFAULT NULL,
  `created` datetime NOT NULL,
  `deleted` tinyint(1) NOT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `updated_at` datetime DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `UQ_datastore_version_metadata_datastore_version_id_key_value` (`datastore_version_id`,`key`,`value`),
  CONSTRAINT `datastore_version_metadata_ibfk_1` FOREIGN KEY (`datastore_version_id`) REFERENCES `datastore_versions` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `datastore_versions` (
  `id` varchar(36) NOT NULL,
  `datastore_id` varchar(36) DEFAULT NULL,
  `name` varchar(255) DEFAULT NULL,
  `image_id` varchar(36) DEFAULT NULL,
  `packages` varchar(511) DEFAULT NULL,
  `active` tinyint(1) NOT NULL,
  `manager` varchar(255) DEFAULT NULL,
  `image_tags` varchar(255) DEFAULT NULL,
  `version` varchar(255) DEFAULT NULL,
  `registry_ext` text NOT NULL,
  `repl_strategy` text NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `ds_versions` (`datastore_id`,`name`,`version`),
  CONSTRAINT `datastore_versions_ibfk_1` FOREIGN KEY (`datastore_id`) REFERENCES `datastores` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `datastores` (
  `id` varchar(36) NOT NULL,
  `name` varchar(255) DEFAULT NULL,
  `default_version_id` varchar(36) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `name` (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `dns_records` (
  `name` varchar(255) NOT NULL,
  `record_id` varchar(64) DEFAULT NULL,
  PRIMARY KEY (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `instance_faults` (
  `id` varchar(64) NOT NULL,
  `instance_id` varchar(64) NOT NULL,
  `message` varchar(255) NOT NULL,
  `details` mediumtext NOT NULL,
  `created` datetime NOT NULL,
  `updated` datetime NOT NULL,
  `deleted` tinyint(1) NOT NULL,
  `deleted_at` datetime DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `instance_id` (`instance_id`),
  CONSTRAINT `instance_faults_ibfk_1` FOREIGN KEY (`instance_id`) REFERENCES `instances` (`id`) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `instance_modules` (
  `id` varchar(64) NOT NULL,
  `instance_id` varchar(64) NOT NULL,
  `module_id` varchar(64) NOT NULL,
  `md5` varchar(32) NOT NULL,
  `created` datetime NOT NULL,
  `updated` datetime NOT NULL,
  `deleted` tinyint(1) NOT NULL,
  `deleted_at` datetime DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `instance_id` (`instance_id`),
  KEY `module_id` (`module_id`),
  CONSTRAINT `instance_modules_ibfk_1` FOREIGN KEY (`instance_id`) REFERENCES `instances` (`id`) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT `instance_modules_ibfk_2` FOREIGN KEY (`module_id`) REFERENCES `modules` (`id`) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `instances` (
  `id` varchar(36) NOT NULL,
  `created` datetime DEFAULT NULL,
  `updated` datetime DEFAULT NULL,
  `name` varchar(255) DEFAULT NULL,
  `hostname` varchar(255) DEFAULT NULL,
  `compute_instance_id` varchar(36) DEFAULT NULL,
  `task_id` int(11) DEFAULT NULL,
  `task_description` varchar(255) DEFAULT NULL,
  `task_start_time` datetime DEFAULT NULL,
  `volume_id` varchar(36) DEFAULT NULL,
  `flavor_id` varchar(255) DEFAULT NULL,
  `volume_size` int(11) DEFAULT NULL,
  `tenant_id` varchar(36) DEFAULT NULL,
  `server_status` varchar(64) DEFAULT NULL,
  `deleted` tinyint(1) DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `datastore_version_id` varchar(36) DEFAULT NULL,
  `configuration_id` varchar(36) DEFAULT NULL,
  `slave_of_id` varchar(36) DEFAULT NULL,
  `cluster_id` varchar(36) DEFAULT NULL,
  `shard_id` varchar(36) DEFAULT NULL,
  `type` varchar(64) DEFAULT NULL,
  `region_id` varchar(255) DEFAULT NULL,
  `encrypted_key` varchar(255) DEFAULT NULL,
  `access` text DEFAULT NULL,
  `ssl_mode` varchar(16) DEFAULT NULL,
  `ssl_ref` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `instances_ibfk_1` (`datastore_version_id`),
  KEY `instances_ibfk_2` (`configuration_id`),
  KEY `instances_ibfk_3` (`slave_of_id`),
  KEY `instances_tenant_id` (`tenant_id`),
  KEY `instances_deleted` (`deleted`),
  KEY `instances_cluster_id` (`cluster_id`),
  CONSTRAINT `instances_ibfk_1` FOREIGN KEY (`datastore_version_id`) REFERENCES `datastore_versions` (`id`),
  CONSTRAINT `instances_ibfk_2` FOREIGN KEY (`configuration_id`) REFERENCES `configurations` (`id`),
  CONSTRAINT `instances_ibfk_3` FOREIGN KEY (`slave_of_id`) REFERENCES `instances` (`id`),
  CONSTRAINT `instances_ibfk_4` FOREIGN KEY (`cluster_id`) REFERENCES `clusters` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `modules` (
  `id` varchar(64) NOT NULL,
  `name` varchar(255) NOT NULL,
  `type` varchar(255) NOT NULL,
  `contents` longtext NOT NULL,
  `description` varchar(255) DEFAULT NULL,
  `tenant_id` varchar(64) DEFAULT NULL,
  `datastore_id` varchar(64) DEFAULT NULL,
  `datastore_version_id` varchar(64) DEFAULT NULL,
  `auto_apply` tinyint(1) NOT NULL,
  `visible` tinyint(1) NOT NULL,
  `live_update` tinyint(1) NOT NULL,
  `md5` varchar(32) NOT NULL,
  `created` datetime NOT NULL,
  `updated` datetime NOT NULL,
  `deleted` tinyint(1) NOT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `priority_apply` tinyint(1) NOT NULL,
  `apply_order` int(11) NOT NULL,
  `is_admin` tinyint(1) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `UQ_type_tenant_datastore_datastore_version_name` (`type`,`tenant_id`,`datastore_id`,`datastore_version_id`,`name`,`deleted_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `quota_usages` (
  `id` varchar(36) NOT NULL,
  `created` datetime DEFAULT NULL,
  `updated` datetime DEFAULT NULL,
  `tenant_id` varchar(36) DEFAULT NULL,
  `in_use` int(11) DEFAULT NULL,
  `reserved` int(11) DEFAULT NULL,
  `resource` varchar(255) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `tenant_id` (`tenant_id`,`resource`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `quotas` (
  `id` varchar(36) NOT NULL,
  `created` datetime DEFAULT NULL,
  `updated` datetime DEFAULT NULL,
  `tenant_id` varchar(36) DEFAULT NULL,
  `resource` varchar(255) NOT NULL,
  `hard_limit` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `tenant_id` (`tenant_id`,`resource`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `reservations` (
  `created` datetime DEFAULT NULL,
  `updated` datetime DEFAULT NULL,
  `id` varchar(36) NOT NULL,
  `usage_id` varchar(36) DEFAULT NULL,
  `delta` int(11) NOT NULL,
  `status` varchar(36) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `root_enabled_history` (
  `id` varchar(36) NOT NULL,
  `user` varchar(255) DEFAULT NULL,
  `created` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `security_group_instance_associations` (
  `id` varchar(36) NOT NULL,
  `security_group_id` varchar(36) DEFAULT NULL,
  `instance_id` varchar(36) DEFAULT NULL,
  `created` datetime DEFAULT NULL,
  `updated` datetime DEFAULT NULL,
  `deleted` tinyint(1) DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `security_group_id` (`security_group_id`),
  KEY `instance_id` (`instance_id`),
  CONSTRAINT `security_group_instance_associations_ibfk_1` FOREIGN KEY (`security_group_id`) REFERENCES `security_groups` (`id`) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT `security_group_instance_associations_ibfk_2` FOREIGN KEY (`instance_id`) REFERENCES `instances` (`id`) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `security_group_rules` (
  `id` varchar(36) NOT NULL,
  `group_id` varchar(36) DEFAULT NULL,
  `parent_group_id` varchar(36) DEFAULT NULL,
  `protocol` varchar(255) DEFAULT NULL,
  `from_port` int(11) DEFAULT NULL,
  `to_port` int(11) DEFAULT NULL,
  `cidr` varchar(255) DEFAULT NULL,
  `created` datetime DEFAULT NULL,
  `updated` datetime DEFAULT NULL,
  `deleted` tinyint(1) DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `group_id` (`group_id`),
  KEY `parent_group_id` (`parent_group_id`),
  CONSTRAINT `security_group_rules_ibfk_1` FOREIGN KEY (`group_id`) REFERENCES `security_groups` (`id`) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT `security_group_rules_ibfk_2` FOREIGN KEY (`parent_group_id`) REFERENCES `security_groups` (`id`) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `security_groups` (
  `id` varchar(36) NOT NULL,
  `name` varchar(255) DEFAULT NULL,
  `description` varchar(255) DEFAULT NULL,
  `user` varchar(255) DEFAULT NULL,
  `tenant_id` varchar(255) DEFAULT NULL,
  `created` datetime DEFAULT NULL,
  `updated` datetime DEFAULT NULL,
  `deleted` tinyint(1) DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `service_images` (
  `id` varchar(36) NOT NULL,
  `service_name` varchar(255) DEFAULT NULL,
  `image_id` varchar(255) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `service_statuses` (
  `id` varchar(36) NOT NULL,
  `instance_id` varchar(36) NOT NULL,
  `status_id` int(11) NOT NULL,
  `status_description` varchar(64) NOT NULL,
  `updated_at` datetime DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `service_statuses_instance_id` (`instance_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `usage_events` (
  `id` varchar(36) NOT NULL,
  `instance_name` varchar(36) DEFAULT NULL,
  `tenant_id` varchar(36) DEFAULT NULL,
  `nova_instance_id` varchar(36) DEFAULT NULL,
  `instance_size` int(11) DEFAULT NULL,
  `nova_volume_id` varchar(36) DEFAULT NULL,
  `volume_size` int(11) DEFAULT NULL,
  `end_time` datetime DEFAULT NULL,
  `updated` datetime DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

