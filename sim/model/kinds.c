#include <string.h>

#include "kinds.h"

/* Default labels are the names planners use in China; see DOMAIN.md.
 * Default reach per post: official account 1.3% is the article open rate
 * (source).  The others are assumptions, to be overridden per scenario:
 * video account 5% (recommendation feed shows followers more than an
 * inbox); personal and WeCom accounts 30% (one-to-one chat and Moments,
 * "far higher reach than OA articles", source, figure ours); groups 20%
 * (chats are read, but busy groups bury messages); mini program 2%
 * (subscription messages); outside 1%. */
static const wx_kind_info kinds[WX_KIND_COUNT] = {
    {WX_KIND_OFFICIAL_ACCOUNT, "official_account", "公众号",
     "subscription channel; articles pushed on a schedule", WX_UNITS_NONE, 0,
     NULL, 0.013, WX_KSTAGE_FOLLOWERS, 0},
    {WX_KIND_VIDEO_ACCOUNT, "video_account", "视频号",
     "short videos and live streams, recommended to non-followers",
     WX_UNITS_NONE, 0, NULL, 0.05, WX_KSTAGE_FOLLOWERS, 0},
    {WX_KIND_PERSONAL_ACCOUNT, "personal_account", "个人号",
     "a staff member's own WeChat; one-to-one chat", WX_UNITS_STAFF, 5000,
     "assumption: WeChat's well-known friend limit", 0.30,
     WX_KSTAGE_STAFF_FRIENDS, 1},
    {WX_KIND_WECOM, "wecom", "企业微信",
     "company-verified staff accounts that add customers as friends",
     WX_UNITS_STAFF, WX_WECOM_FRIEND_CAP,
     "source: at most 50,000 customers per employee", 0.30,
     WX_KSTAGE_STAFF_FRIENDS, 1},
    {WX_KIND_GROUP, "group", "社群", "many-to-many chat groups",
     WX_UNITS_GROUPS, WX_WECOM_GROUP_CAP,
     "source: WeCom customer groups hold 100", 0.20, WX_KSTAGE_GROUP_MEMBERS,
     0},
    {WX_KIND_MINI_PROGRAM, "mini_program", "小程序",
     "an app inside WeChat: shop, booking, course", WX_UNITS_NONE, 0, NULL,
     0.02, WX_KSTAGE_NONE, 0},
    {WX_KIND_OUTSIDE, "outside", "外部平台",
     "Douyin, Zhihu, e-commerce, offline stores, an own app", WX_UNITS_NONE, 0,
     NULL, 0.01, WX_KSTAGE_NONE, 0},
};

const wx_kind_info *wx__kind_info(wx_kind k) {
  if ((unsigned)k >= WX_KIND_COUNT) return NULL;
  return &kinds[k];
}

const char *wx__kind_name(wx_kind k) {
  const wx_kind_info *info = wx__kind_info(k);
  return info ? info->name : "?";
}

wx_kind wx__kind_parse(const char *name) {
  for (int k = 0; k < WX_KIND_COUNT; k++)
    if (strcmp(kinds[k].name, name) == 0) return (wx_kind)k;
  return WX_KIND_COUNT;
}
