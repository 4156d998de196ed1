# Root console sign-ins are recorded only in us-east-1: forward them to the notifier, unless it
# already lives there.

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

module "forward_us_east_1" {
  source    = "../../modules/region-forwarder"
  count     = var.region == "us-east-1" ? 0 : 1
  providers = { aws = aws.us_east_1 }

  home = module.root_activity_notifier.forwarder_settings
}
