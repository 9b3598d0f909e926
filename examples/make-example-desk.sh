#!/usr/bin/env bash
# Builds a sample desk of a Chinese operations centre (某市政务云运维中心) by driving sdesk itself:
# a PM, two L1 consultants, two L2 engineers, a vendor, and work orders in every state — new,
# assigned, in progress, pending, escalated to L2 and to the vendor, de-escalated, resolved,
# closed, reopened, cancelled, and a major incident with a linked child — at fixed times in
# March 2026, so the desk is the same on every run (apart from the clone's random ID node).
#
# Usage: examples/make-example-desk.sh SDESK_BINARY DIR
#   DIR must not exist, be empty, or be a desk this script made earlier (it is then remade).
#
# Features built later (knowledge base, complaints, callbacks, surveys, duty, calendar import)
# are added when the binary offers them; a step that fails is reported and skipped.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 SDESK_BINARY DIR" >&2
  exit 2
fi
SDESK=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
DIR=$2
[ -x "$SDESK" ] || { echo "make-example-desk: $1 is not an executable sdesk" >&2; exit 2; }

if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
  if [ -f "$DIR/.git/sdesk-example" ]; then
    rm -rf "$DIR"                      # our own earlier example desk: remake it
  else
    echo "make-example-desk: $DIR exists and is not an example desk; pick another directory" >&2
    exit 1
  fi
fi

unset SDESK_DIR SDESK_USER SDESK_NOW
at() { export SDESK_NOW=$1; }           # the clock for the following commands
as() { export SDESK_USER=$1; }          # the operator for the following commands
sd() { "$SDESK" "$@"; }
has() { "$SDESK" "$1" --help >/dev/null 2>&1; }
# A step of a later feature: run it, and report (without stopping) when it fails.
try() { "$SDESK" "$@" >/dev/null || echo "make-example-desk: skipped: sdesk $*" >&2; }

at 2026-03-02T08:30:00+08:00
sd init "$DIR" --name 某市政务云运维中心服务台 >/dev/null
export SDESK_DIR=$(cd "$DIR" && pwd)
touch "$SDESK_DIR/.git/sdesk-example"

# --- people -------------------------------------------------------------------------------
sd staff add wang --name 王建国 --role pm --email wang.jianguo@example.cn --phone 13900000001 >/dev/null
as wang
sd staff add zhang --name 张伟 --role l1 --email zhang.wei@example.cn --phone 13900000002 --skills 桌面,打印,邮件 >/dev/null
sd staff add li --name 李娜 --role l1 --email li.na@example.cn --phone 13900000003 --skills 账号,OA,VPN >/dev/null
sd staff add zhao --name 赵磊 --role l2 --email zhao.lei@example.cn --skills 网络,防火墙 >/dev/null
sd staff add chen --name 陈静 --role l2 --email chen.jing@example.cn --skills 数据库,中间件 >/dev/null
sd vendor add dameng --name 某数据库厂商技术支持 --contact 400-600-0000 --hours "7x24" >/dev/null

# new TITLE CUSTOMER CONTACT CHANNEL PRIORITY NEED REQUIRED_BY ENV... — prints the new ID
new() {
  local title=$1 customer=$2 contact=$3 channel=$4 priority=$5 need=$6 by=$7
  shift 7
  local env=()
  for kv in "$@"; do env+=(--env "$kv"); done
  sd new --title "$title" --customer "$customer" --contact "$contact" --channel "$channel" \
    --priority "$priority" --need "$need" --required-by "$by" "${env[@]}"
}

# --- Monday 2 March: the morning's calls ---------------------------------------------------
as zhang
at 2026-03-02T09:05:00+08:00
t_print=$(new 财务处打印机脱机 市财政局财务处 13811110001 hotline P3 恢复网络打印 2026-03-03T18:00:00+08:00 型号=HP-M404 位置=3楼)
at 2026-03-02T09:20:00+08:00
t_mail=$(new 邮件无法发送附件 市人社局办公室 office@rsj.example.cn email P3 发送大于10MB附件 2026-03-04T18:00:00+08:00 客户端=Foxmail)
sd take "$t_mail" >/dev/null
sd start "$t_mail" >/dev/null
at 2026-03-02T09:50:00+08:00
sd resolve "$t_mail" --solution "调整邮件网关附件上限为50MB" --cause "网关默认上限10MB" >/dev/null
at 2026-03-02T16:00:00+08:00
sd close "$t_mail" --confirmed-by 刘主任 >/dev/null

as li
at 2026-03-02T09:40:00+08:00
t_vpn=$(new "VPN 拨号失败" 市卫健委信息科 13811110003 hotline P2 居家办公接入内网 2026-03-02T18:00:00+08:00 客户端=深信服EasyConnect 系统=Windows11)
sd take "$t_vpn" >/dev/null
sd start "$t_vpn" >/dev/null
at 2026-03-02T10:10:00+08:00
sd escalate "$t_vpn" --to l2 --reason "证书校验失败，疑似网关配置" --done "已重装客户端、核对账号，问题依旧" >/dev/null
as zhao
at 2026-03-02T10:20:00+08:00
sd take "$t_vpn" >/dev/null
sd start "$t_vpn" >/dev/null
sd note "$t_vpn" "正在检查 VPN 网关证书链" >/dev/null

as li
at 2026-03-02T11:00:00+08:00
t_oa=$(new OA流程审批卡住 市住建局办公室 13811110004 web P3 完成公文审批 2026-03-05T18:00:00+08:00 系统=OA 版本=5.2)
sd take "$t_oa" >/dev/null
sd start "$t_oa" >/dev/null
at 2026-03-02T11:30:00+08:00
sd pending "$t_oa" --reason customer "等待客户提供流程编号和截图" >/dev/null

# --- the major incident: the e-government database slows down ------------------------------
as zhang
at 2026-03-02T14:00:00+08:00
t_major=$(sd new --title 政务服务平台数据库响应缓慢 --customer 市政务服务中心 --contact 13811110005 \
  --channel monitoring --priority P1 --need 恢复办件系统正常响应 --required-by 2026-03-02T18:00:00+08:00 \
  --env 数据库=DM8 --env 主机=db-prod-01 --major)
sd take "$t_major" >/dev/null
sd start "$t_major" >/dev/null
at 2026-03-02T14:10:00+08:00
sd escalate "$t_major" --to l2 --assign chen --reason "数据库会话数异常升高" --done "已确认监控告警、通知值班经理" >/dev/null
as chen
at 2026-03-02T14:15:00+08:00
sd start "$t_major" >/dev/null
at 2026-03-02T14:40:00+08:00
sd escalate "$t_major" --to vendor:dameng --reason "疑似数据库锁等待缺陷" --done "已抓取会话与锁信息，重启无效" >/dev/null
sd note "$t_major" "已告知客户：厂商工程师远程接入排查" --customer >/dev/null

as li
at 2026-03-02T14:20:00+08:00
t_child=$(new 办件系统提交超时 区政务服务中心 13811110006 hotline P2 办件提交恢复正常 2026-03-02T18:00:00+08:00 系统=办件系统)
sd link "$t_child" --parent "$t_major" >/dev/null
sd take "$t_child" >/dev/null
sd start "$t_child" >/dev/null
sd note "$t_child" "关联重大事件，等待数据库恢复" >/dev/null

# --- Tuesday 3 March ----------------------------------------------------------------------
as zhang
at 2026-03-03T09:10:00+08:00
t_pc=$(new 电脑蓝屏 市档案馆 13811110007 walk-in P4 恢复办公电脑 2026-03-06T18:00:00+08:00 系统=Windows10 型号=联想M720)
as wang
sd assign "$t_pc" li >/dev/null

as zhang
at 2026-03-03T09:30:00+08:00
t_acct=$(new 统一身份认证账号锁定 市教育局人事处 13811110008 hotline P3 解锁账号 2026-03-03T12:00:00+08:00 系统=统一身份认证)
sd take "$t_acct" >/dev/null
sd start "$t_acct" >/dev/null
at 2026-03-03T09:40:00+08:00
sd resolve "$t_acct" --solution "核实身份后解锁账号并重置密码" >/dev/null

at 2026-03-03T10:00:00+08:00
t_dup=$(new 打印机无法打印 市财政局财务处 13811110001 hotline P3 恢复网络打印 2026-03-03T18:00:00+08:00 型号=HP-M404)
sd cancel "$t_dup" --reason "与 $t_print 重复" >/dev/null

at 2026-03-03T10:30:00+08:00
t_wifi=$(new 会议室无线网络不可用 市发改委综合处 13811110010 hotline P3 恢复会议室无线 2026-03-03T14:00:00+08:00 位置=5楼会议室)
sd take "$t_wifi" >/dev/null
sd start "$t_wifi" >/dev/null
at 2026-03-03T10:50:00+08:00
sd escalate "$t_wifi" --to l2 --assign zhao --reason "AP 无法获取地址" --done "已重启AP，现场确认信号正常但无地址" >/dev/null
as zhao
at 2026-03-03T11:20:00+08:00
sd start "$t_wifi" >/dev/null
sd de-escalate "$t_wifi" --to l1 --reason "DHCP 地址池已扩容，请一线回访确认" >/dev/null

as zhang
at 2026-03-03T11:00:00+08:00
t_share=$(new 共享盘无法访问 市统计局综合科 13811110011 hotline P3 访问部门共享盘 2026-03-04T18:00:00+08:00 系统=NAS)
sd take "$t_share" >/dev/null
sd start "$t_share" >/dev/null
at 2026-03-03T11:30:00+08:00
sd resolve "$t_share" --solution "恢复共享目录权限" >/dev/null
at 2026-03-03T15:00:00+08:00
sd close "$t_share" --confirmed-by 周科长 >/dev/null
at 2026-03-04T09:00:00+08:00
sd reopen "$t_share" --reason "客户反馈部分子目录仍无权限" >/dev/null

# --- Wednesday 4 March: the vendor's fix comes back ----------------------------------------
as chen
at 2026-03-04T10:00:00+08:00
sd de-escalate "$t_major" --to l2 --reason "厂商提供补丁并已在测试库验证" >/dev/null
at 2026-03-04T11:00:00+08:00
sd resolve "$t_major" --solution "安装厂商补丁，调整锁等待超时参数" --cause "数据库锁等待缺陷" >/dev/null
as li
at 2026-03-04T11:10:00+08:00
sd resolve "$t_child" --solution "随重大事件恢复，办件提交正常" >/dev/null
at 2026-03-04T15:00:00+08:00
sd close "$t_child" --confirmed-by 吴主任 >/dev/null

at 2026-03-04T16:00:00+08:00
as zhang
t_new2=$(new 视频会议终端无声音 市司法局办公室 13811110012 hotline P4 恢复会议终端音频 2026-03-06T18:00:00+08:00 型号=华为TE30)

# --- later features, when this sdesk has them ---------------------------------------------
if has calendar; then
  cal=$(mktemp)
  trap 'rm -f "$cal"' EXIT
  cat >"$cal" <<'JSON'
{"year": 2026, "days": [
  {"name": "元旦", "date": "2026-01-01", "isOffDay": true},
  {"name": "元旦", "date": "2026-01-02", "isOffDay": true},
  {"name": "元旦", "date": "2026-01-03", "isOffDay": true},
  {"name": "元旦", "date": "2026-01-04", "isOffDay": false},
  {"name": "春节", "date": "2026-02-14", "isOffDay": false},
  {"name": "春节", "date": "2026-02-15", "isOffDay": true},
  {"name": "春节", "date": "2026-02-16", "isOffDay": true},
  {"name": "春节", "date": "2026-02-17", "isOffDay": true},
  {"name": "春节", "date": "2026-02-18", "isOffDay": true},
  {"name": "春节", "date": "2026-02-19", "isOffDay": true},
  {"name": "春节", "date": "2026-02-20", "isOffDay": true},
  {"name": "春节", "date": "2026-02-21", "isOffDay": true},
  {"name": "春节", "date": "2026-02-22", "isOffDay": true},
  {"name": "春节", "date": "2026-02-23", "isOffDay": true},
  {"name": "春节", "date": "2026-02-28", "isOffDay": false},
  {"name": "清明节", "date": "2026-04-04", "isOffDay": true},
  {"name": "清明节", "date": "2026-04-05", "isOffDay": true},
  {"name": "清明节", "date": "2026-04-06", "isOffDay": true},
  {"name": "劳动节", "date": "2026-05-01", "isOffDay": true},
  {"name": "劳动节", "date": "2026-05-02", "isOffDay": true},
  {"name": "劳动节", "date": "2026-05-03", "isOffDay": true},
  {"name": "劳动节", "date": "2026-05-04", "isOffDay": true},
  {"name": "劳动节", "date": "2026-05-05", "isOffDay": true},
  {"name": "劳动节", "date": "2026-05-09", "isOffDay": false},
  {"name": "端午节", "date": "2026-06-19", "isOffDay": true},
  {"name": "端午节", "date": "2026-06-20", "isOffDay": true},
  {"name": "端午节", "date": "2026-06-21", "isOffDay": true},
  {"name": "中秋节", "date": "2026-09-25", "isOffDay": true},
  {"name": "中秋节", "date": "2026-09-26", "isOffDay": true},
  {"name": "中秋节", "date": "2026-09-27", "isOffDay": true},
  {"name": "国庆节", "date": "2026-09-20", "isOffDay": false},
  {"name": "国庆节", "date": "2026-10-01", "isOffDay": true},
  {"name": "国庆节", "date": "2026-10-02", "isOffDay": true},
  {"name": "国庆节", "date": "2026-10-03", "isOffDay": true},
  {"name": "国庆节", "date": "2026-10-04", "isOffDay": true},
  {"name": "国庆节", "date": "2026-10-05", "isOffDay": true},
  {"name": "国庆节", "date": "2026-10-06", "isOffDay": true},
  {"name": "国庆节", "date": "2026-10-07", "isOffDay": true},
  {"name": "国庆节", "date": "2026-10-10", "isOffDay": false}
]}
JSON
  as wang
  at 2026-03-04T17:00:00+08:00
  try calendar import "$cal"
fi

if has duty; then
  as wang
  at 2026-03-04T17:10:00+08:00
  try duty set 2026-03-05 zhang zhao --shift day
  try duty set 2026-03-06 li chen --shift day
  as zhang
  at 2026-03-04T18:00:00+08:00
  try handover --to li --note "政务云数据库补丁已上线，关注今晚办件高峰"
fi

if has kb; then
  as chen
  at 2026-03-05T09:00:00+08:00
  kb=$("$SDESK" kb new --from "$t_major" --title "达梦数据库锁等待导致办件系统缓慢" \
        --tags 数据库,DM8,锁等待 2>/dev/null || true)
  if [ -n "$kb" ]; then
    try kb review "$kb"
    as wang
    at 2026-03-05T10:00:00+08:00
    try kb publish "$kb"
  else
    echo "make-example-desk: skipped: sdesk kb new" >&2
  fi
  as zhang
  at 2026-03-05T10:30:00+08:00
  try kb new --from "$t_mail" --title "邮件附件超过网关上限无法发送" --tags 邮件,附件
fi

if has callback; then
  as li
  at 2026-03-05T14:00:00+08:00
  try callback pick --period 2026-03 --sample 100% --seed 1
  try callback record "$t_mail" --reached yes --score 5 --feedback "处理及时，很满意"
  try callback record "$t_child" --reached yes --score 3 --feedback "系统中断时间较长，希望提前通知"
fi

if has complaint; then
  as li
  at 2026-03-05T15:00:00+08:00
  c=$("$SDESK" complaint new --customer 区政务服务中心 --ticket "$t_child" \
       --text "办件系统中断两小时，未收到任何通知" 2>/dev/null || true)
  if [ -n "$c" ]; then
    as wang
    at 2026-03-05T16:00:00+08:00
    try complaint investigate "$c" --text "重大事件期间未按预案向受影响单位发送通知"
    try complaint measure "$c" --text "重大事件通知纳入值班检查表，短信群发模板预置"
    try complaint reply "$c" --text "已致电说明原因与改进措施，客户表示接受"
  else
    echo "make-example-desk: skipped: sdesk complaint new" >&2
  fi
fi

if has survey; then
  as wang
  at 2026-03-06T09:00:00+08:00
  try survey new 2026Q1 --period 2026-Q1
  try survey record 2026Q1 --tech 5 --response 4 --resolution 4 --attitude 5 --communication 5 \
    --customer 市人社局办公室 --comment 响应快 --form phone
  try survey record 2026Q1 --tech 4 --response 3 --resolution 3 --attitude 4 --communication 3 \
    --customer 区政务服务中心 --comment 重大故障时沟通不足 --form questionnaire
fi

echo "made the example desk $SDESK_DIR:"
echo "  $(git -C "$SDESK_DIR" rev-list --count HEAD) commits; try: $1 -C $DIR list --open"
