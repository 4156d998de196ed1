# Root activity is recorded where it happens: console sign-ins and global services (IAM, STS,
# Organizations) in us-east-1, every other call in its own region. A forwarder sends what its
# region's rule matches to the notifier in var.region.
#
# The module itself forwards us-east-1 (unless it is home). To cover another region, uncomment its
# block below: one ready block per region enabled by default in a new account; for an opt-in region,
# copy one and change the region. Leave the home region's block commented: a forwarder there is refused.
# Each block starts one more AWS provider (about half a GB of memory during plan), so uncomment
# only the regions you use.

# --- us-east-2 ---
# provider "aws" {
#   alias  = "us_east_2"
#   region = "us-east-2"
# }
#
# module "forward_us_east_2" {
#   source    = "../../modules/region-forwarder"
#   providers = { aws = aws.us_east_2 }
#
#   home = module.root_activity_notifier.forwarder_settings
# }

# --- us-west-1 ---
# provider "aws" {
#   alias  = "us_west_1"
#   region = "us-west-1"
# }
#
# module "forward_us_west_1" {
#   source    = "../../modules/region-forwarder"
#   providers = { aws = aws.us_west_1 }
#
#   home = module.root_activity_notifier.forwarder_settings
# }

# --- us-west-2 ---
# provider "aws" {
#   alias  = "us_west_2"
#   region = "us-west-2"
# }
#
# module "forward_us_west_2" {
#   source    = "../../modules/region-forwarder"
#   providers = { aws = aws.us_west_2 }
#
#   home = module.root_activity_notifier.forwarder_settings
# }

# --- ap-south-1 ---
# provider "aws" {
#   alias  = "ap_south_1"
#   region = "ap-south-1"
# }
#
# module "forward_ap_south_1" {
#   source    = "../../modules/region-forwarder"
#   providers = { aws = aws.ap_south_1 }
#
#   home = module.root_activity_notifier.forwarder_settings
# }

# --- ap-northeast-1 ---
# provider "aws" {
#   alias  = "ap_northeast_1"
#   region = "ap-northeast-1"
# }
#
# module "forward_ap_northeast_1" {
#   source    = "../../modules/region-forwarder"
#   providers = { aws = aws.ap_northeast_1 }
#
#   home = module.root_activity_notifier.forwarder_settings
# }

# --- ap-northeast-2 ---
# provider "aws" {
#   alias  = "ap_northeast_2"
#   region = "ap-northeast-2"
# }
#
# module "forward_ap_northeast_2" {
#   source    = "../../modules/region-forwarder"
#   providers = { aws = aws.ap_northeast_2 }
#
#   home = module.root_activity_notifier.forwarder_settings
# }

# --- ap-northeast-3 ---
# provider "aws" {
#   alias  = "ap_northeast_3"
#   region = "ap-northeast-3"
# }
#
# module "forward_ap_northeast_3" {
#   source    = "../../modules/region-forwarder"
#   providers = { aws = aws.ap_northeast_3 }
#
#   home = module.root_activity_notifier.forwarder_settings
# }

# --- ap-southeast-1 ---
# provider "aws" {
#   alias  = "ap_southeast_1"
#   region = "ap-southeast-1"
# }
#
# module "forward_ap_southeast_1" {
#   source    = "../../modules/region-forwarder"
#   providers = { aws = aws.ap_southeast_1 }
#
#   home = module.root_activity_notifier.forwarder_settings
# }

# --- ap-southeast-2 ---
# provider "aws" {
#   alias  = "ap_southeast_2"
#   region = "ap-southeast-2"
# }
#
# module "forward_ap_southeast_2" {
#   source    = "../../modules/region-forwarder"
#   providers = { aws = aws.ap_southeast_2 }
#
#   home = module.root_activity_notifier.forwarder_settings
# }

# --- ca-central-1 ---
# provider "aws" {
#   alias  = "ca_central_1"
#   region = "ca-central-1"
# }
#
# module "forward_ca_central_1" {
#   source    = "../../modules/region-forwarder"
#   providers = { aws = aws.ca_central_1 }
#
#   home = module.root_activity_notifier.forwarder_settings
# }

# --- eu-central-1 ---
# provider "aws" {
#   alias  = "eu_central_1"
#   region = "eu-central-1"
# }
#
# module "forward_eu_central_1" {
#   source    = "../../modules/region-forwarder"
#   providers = { aws = aws.eu_central_1 }
#
#   home = module.root_activity_notifier.forwarder_settings
# }

# --- eu-west-1 ---
# provider "aws" {
#   alias  = "eu_west_1"
#   region = "eu-west-1"
# }
#
# module "forward_eu_west_1" {
#   source    = "../../modules/region-forwarder"
#   providers = { aws = aws.eu_west_1 }
#
#   home = module.root_activity_notifier.forwarder_settings
# }

# --- eu-west-2 ---
# provider "aws" {
#   alias  = "eu_west_2"
#   region = "eu-west-2"
# }
#
# module "forward_eu_west_2" {
#   source    = "../../modules/region-forwarder"
#   providers = { aws = aws.eu_west_2 }
#
#   home = module.root_activity_notifier.forwarder_settings
# }

# --- eu-west-3 ---
# provider "aws" {
#   alias  = "eu_west_3"
#   region = "eu-west-3"
# }
#
# module "forward_eu_west_3" {
#   source    = "../../modules/region-forwarder"
#   providers = { aws = aws.eu_west_3 }
#
#   home = module.root_activity_notifier.forwarder_settings
# }

# --- eu-north-1 ---
# provider "aws" {
#   alias  = "eu_north_1"
#   region = "eu-north-1"
# }
#
# module "forward_eu_north_1" {
#   source    = "../../modules/region-forwarder"
#   providers = { aws = aws.eu_north_1 }
#
#   home = module.root_activity_notifier.forwarder_settings
# }

# --- sa-east-1 ---
# provider "aws" {
#   alias  = "sa_east_1"
#   region = "sa-east-1"
# }
#
# module "forward_sa_east_1" {
#   source    = "../../modules/region-forwarder"
#   providers = { aws = aws.sa_east_1 }
#
#   home = module.root_activity_notifier.forwarder_settings
# }
