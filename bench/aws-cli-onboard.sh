#!/usr/bin/env bash
# The loop most admins write today: the AWS CLI v2 once per step, TOTP codes from python3's standard library.
#
#   bench/aws-cli-onboard.sh ENDPOINT_URL USERS GROUP [PREFIX]
#
# Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. Users are onboarded one after another.
# Prints one JSON line: wall time and failures.
set -euo pipefail

endpoint=${1:?endpoint URL}
users=${2:-10}
group=${3:-bench-group}
prefix=${4:-bench-cli-}

# The AWS CLI v2: an older v1 may come first on PATH, so each candidate is asked its version.
aws_cli=""
for candidate in /usr/bin/aws /usr/local/bin/aws $(type -ap aws); do
  if [[ -x $candidate ]] && "$candidate" --version 2>&1 | grep -q '^aws-cli/2\.'; then aws_cli=$candidate; break; fi
done
[[ -n $aws_cli ]] || { echo 'The AWS CLI v2 is not installed (Debian package awscli).' >&2; exit 2; }

export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER='' AWS_MAX_ATTEMPTS=3
export AWS_CONFIG_FILE=/nonexistent/aws-config AWS_SHARED_CREDENTIALS_FILE=/nonexistent/aws-credentials AWS_EC2_METADATA_DISABLED=true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

iam() { "$aws_cli" --endpoint-url "$endpoint" --output text iam "$@"; }

# Code 1 for the previous 30 s step and code 2 for the current one, both valid now, so nothing waits for a step
# (the same pair as IamOnboard's unattended enrolment).
totp_pair() {
  python3 - "$1" <<'PY'
import base64, hashlib, hmac, struct, sys, time
seed = open(sys.argv[1]).read().strip()
key = base64.b32decode(seed + '=' * (-len(seed) % 8))
def code(step):
    digest = hmac.new(key, struct.pack('>Q', step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return '%06d' % ((struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)
step = int(time.time() // 30)
print(code(step - 1), code(step))
PY
}

failed=0
start=$(date +%s.%N)
for i in $(seq 1 "$users"); do
  user=$(printf '%s%06d' "$prefix" "$i")
  password="Bench-$(python3 -c 'import secrets; print(secrets.token_urlsafe(15))')-9a"
  if iam create-user --user-name "$user" --tags Key=team,Value=bench Key=cost-center,Value=1001 >/dev/null &&
     iam create-login-profile --user-name "$user" --password "$password" --password-reset-required >/dev/null &&
     iam attach-user-policy --user-name "$user" --policy-arn arn:aws:iam::aws:policy/IAMUserChangePassword &&
     iam create-access-key --user-name "$user" >/dev/null &&
     iam add-user-to-group --group-name "$group" --user-name "$user" &&
     serial=$(iam create-virtual-mfa-device --virtual-mfa-device-name "$user" --outfile "$work/$user.seed" \
                --bootstrap-method Base32StringSeed --query VirtualMFADevice.SerialNumber) &&
     read -r code1 code2 < <(totp_pair "$work/$user.seed") &&
     iam enable-mfa-device --user-name "$user" --serial-number "$serial" --authentication-code1 "$code1" --authentication-code2 "$code2"
  then :; else failed=$((failed + 1)); fi
done
end=$(date +%s.%N)
printf '{"tool":"aws-cli-v2","cli":"%s","users":%d,"concurrency":1,"wallSeconds":%s,"failed":%d}\n' \
  "$aws_cli" "$users" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')" "$failed"
[[ $failed -eq 0 ]]
