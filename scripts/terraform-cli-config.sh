#!/usr/bin/env bash
# Write the Terraform CLI configuration the project's commands use (TF_CLI_CONFIG_FILE).
# Where a local provider mirror exists (/opt/tf-plugins, or TF_PLUGIN_MIRROR), hashicorp providers
# come from it and nothing is downloaded; elsewhere Terraform's defaults apply.
set -euo pipefail
out=${1:?usage: terraform-cli-config.sh OUTPUT_FILE}
mirror=${TF_PLUGIN_MIRROR:-/opt/tf-plugins}
mkdir -p "$(dirname "$out")"
if [ -d "$mirror" ]; then
  cat >"$out" <<CONFIG
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
CONFIG
else
  : >"$out"
fi
