# The management account's own root activity in regions other than the hub's home region and
# us-east-1 (both covered already): StackSets never deploy there. Uncomment the block of each region
# the management account uses, and copy it for more; it runs with the credentials you run Terraform
# with (the management account's) and forwards to the hub bus, whichever account holds it. Leave the
# hub's home region out: the module forwards it already.
# Member accounts need nothing here: the StackSet covers every region in var.regions.

# --- us-east-2 ---
# provider "aws" {
#   alias  = "management_us_east_2"
#   region = "us-east-2"
# }
#
# module "management_us_east_2" {
#   source    = "../../modules/region-forwarder"
#   providers = { aws = aws.management_us_east_2 }
#
#   home = local.management_forwarding
# }
