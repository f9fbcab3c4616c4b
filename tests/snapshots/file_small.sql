-- osarchiver {VERSION}: rows archived from `DB`.`small`
-- source: s
-- run started: {START} UTC
-- columns: [["id","int(10) unsigned",null],["name","varchar(80)","utf8mb4"],["price","decimal(10,2)",null],["ratio","double",null],["data","varbinary(16)",null],["created","datetime(6)",null],["took","time",null],["y","year(4)",null],["state","enum('active','deleted')","utf8mb4"],["meta","longtext","utf8mb4"],["deleted_at","datetime",null]]
--
-- One INSERT per batch of rows, each ending with ON DUPLICATE KEY UPDATE: loading the
-- file again changes nothing. Load it where the table exists, with
--   mariadb --default-character-set=utf8mb4 < FILE
SET autocommit = 1;
SET NAMES utf8mb4;
SET time_zone = '+00:00';
SET sql_mode = 'STRICT_TRANS_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION,ALLOW_INVALID_DATES';
SET foreign_key_checks = 0;
/*M!100201 SET check_constraint_checks = 0 */;

INSERT INTO `DB`.`small` (`id`,`name`,`price`,`ratio`,`data`,`created`,`took`,`y`,`state`,`meta`,`deleted_at`) VALUES
(1,'plain',12.50,2.5e-1,X'00FF','2024-02-29 13:05:09.000001','-838:59:59',2024,'deleted','{\"a\": [1, \"x\"]}','2001-01-01 00:00:00'),
(2,'it\'s \"quoted\", a back\\slash \\N, a tab	 and a\r\nnewline 🦀',-0.01,-1.5e300,X'','0000-00-00 00:00:00','100:00:00',0,'active','[]','2001-01-01 00:00:00'),
(3,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2001-01-01 00:00:00')
ON DUPLICATE KEY UPDATE `id`=VALUES(`id`),`name`=VALUES(`name`),`price`=VALUES(`price`),`ratio`=VALUES(`ratio`),`data`=VALUES(`data`),`created`=VALUES(`created`),`took`=VALUES(`took`),`y`=VALUES(`y`),`state`=VALUES(`state`),`meta`=VALUES(`meta`),`deleted_at`=VALUES(`deleted_at`);
INSERT INTO `DB`.`small` (`id`,`name`,`price`,`ratio`,`data`,`created`,`took`,`y`,`state`,`meta`,`deleted_at`) VALUES
(4,'NULL',0.00,0e0,X'4E554C4C','1970-01-01 00:00:01','00:00:00',1901,'active','null','2001-01-01 00:00:00'),
(5,'',99999999.99,1e-300,X'22','2038-01-19 03:14:07.999999','00:00:00',2155,'deleted','\"\\\"\"','2001-01-01 00:00:00')
ON DUPLICATE KEY UPDATE `id`=VALUES(`id`),`name`=VALUES(`name`),`price`=VALUES(`price`),`ratio`=VALUES(`ratio`),`data`=VALUES(`data`),`created`=VALUES(`created`),`took`=VALUES(`took`),`y`=VALUES(`y`),`state`=VALUES(`state`),`meta`=VALUES(`meta`),`deleted_at`=VALUES(`deleted_at`);
