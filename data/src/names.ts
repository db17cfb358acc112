/**
 * Pools for synthetic names: grid workers, phone numbers, 包保 units, place names and streets.
 * All plausible, none taken from real people.
 */
import type { Random } from './random';

// Common surnames, with the Guizhou favourites (龙, 吴, 杨, 罗, 王) over-represented by repetition.
const SURNAMES = (
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃武戴莫孔向汤' +
  '龙吴杨罗王杨吴龙罗陈'
).split('');

const GIVEN_ONE = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华红玲飞鹏斌宇浩凯婷雪琴兰梅琳丹萍波辉建国文俊'.split(
  '',
);
const GIVEN_TWO = [
  '建华',
  '志强',
  '秀英',
  '晓燕',
  '国强',
  '明辉',
  '德明',
  '永红',
  '海燕',
  '春梅',
  '丽华',
  '小红',
  '文杰',
  '子轩',
  '雨涵',
  '思远',
  '欣怡',
  '家豪',
  '佳琪',
  '梓涵',
  '俊杰',
  '晓东',
  '玉兰',
  '兴贵',
  '正荣',
  '光明',
  '世雄',
  '开林',
  '学文',
  '玉芬',
  '林峰',
  '红梅',
  '婷婷',
  '娟娟',
  '金凤',
  '美玲',
  '宏伟',
  '永刚',
  '朝阳',
  '华兴',
  '天明',
  '远航',
  '晓丽',
  '昌盛',
  '丽萍',
];

export function personName(rng: Random): string {
  const surname = rng.pick(SURNAMES);
  return surname + (rng.chance(0.35) ? rng.pick(GIVEN_ONE) : rng.pick(GIVEN_TWO));
}

const MOBILE_PREFIXES = [
  '139',
  '138',
  '135',
  '136',
  '137',
  '150',
  '151',
  '152',
  '158',
  '159',
  '182',
  '183',
  '187',
  '188',
  '130',
  '131',
  '132',
  '155',
  '156',
  '185',
  '186',
  '133',
  '153',
  '180',
  '181',
  '189',
  '177',
  '199',
  '198',
];

/** Unique 11-digit mobile numbers (e.g. 13985012345). */
export function makeMobileFactory(rng: Random): () => string {
  const used = new Set<string>();
  return () => {
    for (;;) {
      const n = rng.pick(MOBILE_PREFIXES) + rng.digits(8);
      if (!used.has(n)) {
        used.add(n);
        return n;
      }
    }
  };
}

/** Guiyang landlines are 8 digits; 0851-8xxxxxxx is the common form. */
export function makeLandlineFactory(rng: Random): () => string {
  const used = new Set<string>();
  return () => {
    for (;;) {
      const n = `0851-8${rng.digits(7)}`;
      if (!used.has(n)) {
        used.add(n);
        return n;
      }
    }
  };
}

const DEPARTMENTS = [
  '区委办公室',
  '区政府办公室',
  '区委组织部',
  '区委宣传部',
  '区委统战部',
  '区委政法委',
  '区纪委监委',
  '区发展和改革局',
  '区教育局',
  '区科技局',
  '区工业和信息化局',
  '区民政局',
  '区司法局',
  '区财政局',
  '区人力资源和社会保障局',
  '区自然资源局',
  '区生态环境局',
  '区住房和城乡建设局',
  '区交通运输局',
  '区水务管理局',
  '区农业农村局',
  '区商务局',
  '区文体旅游局',
  '区卫生健康局',
  '区退役军人事务局',
  '区应急管理局',
  '区审计局',
  '区市场监督管理局',
  '区统计局',
  '区医疗保障局',
  '区综合行政执法局',
  '区城市管理局',
  '区投资促进局',
  '区大数据发展管理局',
  '区政务服务中心',
  '区机关事务服务中心',
  '区信访局',
  '区总工会',
  '团区委',
  '区妇联',
  '区科协',
  '区残联',
  '区工商联',
  '区档案馆',
  '区融媒体中心',
  '区人民法院',
  '区人民检察院',
  '区税务局',
  '区公安分局',
  '区消防救援大队',
  '区林业局',
  '区国有资产监督管理局',
];

const BANKS = [
  '贵阳银行',
  '贵州银行',
  '中国工商银行',
  '中国农业银行',
  '中国银行',
  '中国建设银行',
  '交通银行',
  '中国邮政储蓄银行',
  '招商银行',
  '兴业银行',
  '贵阳农商银行',
  '中信银行',
];
const BANK_BRANCHES = ['观山湖支行', '金阳支行', '世纪城支行', '会展城支行', '金华园支行', '长岭支行'];

const ENTERPRISES = [
  '中铁五局',
  '中建四局',
  '中国电建贵阳院',
  '中交一公局',
  '中铁八局',
  '贵州建工集团',
  '贵阳城发集团',
  '贵州电网',
  '中国移动',
  '中国电信',
  '中国联通',
  '贵阳水务集团',
  '贵州燃气集团',
  '贵阳公交集团',
  '贵州高速集团',
  '贵阳产控集团',
  '观山湖投资集团',
  '贵州烟草',
  '中国石化',
  '中国人寿',
  '中国平安',
  '贵州茅台',
  '贵阳供销集团',
  '贵阳农投集团',
  '中国邮政',
  '顺丰速运',
  '京东物流',
];
const ENTERPRISE_SUFFIXES = ['观山湖项目党支部', '观山湖分公司党支部', '金阳片区党支部', '观山湖营业部党支部'];

const INSTITUTIONS = [
  '金阳医院党总支',
  '观山湖区人民医院党委',
  '观山湖区妇幼保健院党支部',
  '观山湖区中医医院党支部',
  '观山湖区疾控中心党支部',
  '观山湖区第一中学党支部',
  '观山湖区第二中学党支部',
  '观山湖区第三中学党支部',
  '观山湖区第四中学党支部',
  '观山湖区第五中学党支部',
  '观山湖区第一小学党支部',
  '观山湖区第二小学党支部',
  '观山湖区第三小学党支部',
  '观山湖区第四小学党支部',
  '观山湖区第五小学党支部',
  '观山湖区第六小学党支部',
  '观山湖区实验小学党支部',
  '观山湖区外国语实验中学党支部',
  '观山湖区第一幼儿园党支部',
  '观山湖区职业技术学校党支部',
  '贵阳国际会议展览中心党支部',
  '观山湖区图书馆党支部',
  '观山湖区文化馆党支部',
];

/**
 * The pool of 包保 units (responsible units). Departments read "观山湖区财政局"; banks and
 * enterprises take a branch/project suffix. Seeded selection of about 200 distinct names.
 */
export function unitPool(rng: Random, size = 200): string[] {
  const all = new Set<string>();
  for (const d of DEPARTMENTS) all.add(d.startsWith('区') ? `观山湖${d}` : d.replace('团区委', '共青团观山湖区委'));
  for (const b of BANKS) for (const br of BANK_BRANCHES) all.add(`${b}${br}党支部`);
  for (const e of ENTERPRISES) for (const s of ENTERPRISE_SUFFIXES) all.add(`${e}${s}`);
  for (const i of INSTITUTIONS) all.add(i);
  const list = [...all].sort();
  // keep every department and institution, fill up with banks and enterprises
  const core = list.filter(
    (n) => n.startsWith('观山湖区') || n.startsWith('共青团') || n.startsWith('金阳医院') || n.startsWith('贵阳国际'),
  );
  const rest = rng.shuffle(list.filter((n) => !core.includes(n)));
  return rng.shuffle([...core, ...rest.slice(0, Math.max(0, size - core.length))]);
}

/** Urban place names used to tell stations apart, e.g. "金阳街道户外劳动者服务站(碧海花园)". */
export const PLACES = [
  '碧海花园',
  '世纪城',
  '会展城',
  '林城时代',
  '北大资源梦想城',
  '万达广场',
  '国际生态会议中心',
  '西南国际商贸城',
  '金融城',
  '观山湖公园',
  '中天未来方舟',
  '保利公园',
  '中铁逸都',
  '碧桂园',
  '龙湾',
  '兴筑西路口',
  '金阳客车站',
  '市民中心',
  '奥体中心',
  '美的林城时代',
  '会展东路口',
  '长岭北路口',
  '金阳南路口',
  '数博广场',
  '金阳公园',
  '体育中心',
  '会议中心',
  '政务中心',
  '人才公寓',
  '云潭南路',
  '诚信路口',
  '石林路口',
  '兰花广场',
  '金源街',
  '龙泉苑',
  '锦绣广场',
  '华润万象汇',
  '雅居乐',
  '中海国际',
  '远大购物中心',
  '林城西路口',
  '观山东路口',
  '贵阳北站',
  '金阳大厦',
  '数博大道口',
  '新世界',
  '滨湖公园',
];

/** Syllables for minor street names (e.g. 云潭南路, 枫丹路). */
export const STREET_STEMS = [
  '云潭',
  '诚信',
  '石林',
  '枫丹',
  '碧海',
  '金源',
  '兰花',
  '乾红',
  '黎苑',
  '龙泉',
  '阳关',
  '宾阳',
  '会展',
  '金朱',
  '观山',
  '林城',
  '长岭',
  '兴筑',
  '松园',
  '奥林',
  '金融',
  '阅山',
  '宇虹',
  '白鹭',
  '绿洲',
  '栖景',
  '会锦',
  '嘉禧',
  '佑瑞',
  '睿力',
  '金龙',
  '金铄',
  '金恒',
  '水悦',
  '珑玥',
  '御墅',
  '铭廷',
  '嘉澜',
  '凤凰',
  '翠屏',
  '槐荫',
  '银杏',
  '香樟',
  '玉兰',
  '紫荆',
];
export const STREET_SUFFIXES = ['路', '街', '大道', '东路', '西路', '南路', '北路', '一路', '二路', '巷'];
