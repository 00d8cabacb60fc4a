/**
 * Where every dataset the project reads comes from: official URLs, the
 * destination of each file inside the data directory, and a checksum.
 *
 * Checksums, and how they were obtained:
 * - `sha256` of plain files (XQuAD-R, MLQA-R, MLQA dev members, MIRACL topics
 *   and qrels, NTREX-128, FLORES-200, Tatoeba, the mBERT vocabulary): computed
 *   with `sha256sum` over the unchanged copies of the official files in the
 *   project's shared data folder (see its MANIFEST.md for the repository and
 *   commit of each), i.e. the bytes the URLs below serve.
 * - `md5` of BEIR archives: the values BEIR publishes in its README
 *   (beir-cellar/beir, "Available Datasets" table). The shared SciFact copy
 *   was converted, so only the archive checksum applies to it.
 * - `sha256: null` with a reason where nobody publishes a checksum and no
 *   copy was at hand (MIRACL corpus shards, the MLQA archive itself); the
 *   downloader warns when it fetches such a file.
 *
 * Pinned commits: google-research-datasets/lareqa 9bc8c7f (XQuAD-R) and
 * 343180b (MLQA-R, folder `mlqa-dev-r/` removed later); castorini/eval
 * (formerly castorini/anserini-tools, renamed when `topics-and-qrels/` was
 * split into `topics/` and `qrels/`) 5b819c1; Helsinki-NLP/OPUS-MT-testsets
 * ac0f19c; MicrosoftTranslator/NTREX for the NTREX document ids.
 * Abbreviated commits are kept as the data manifest gives them (GitHub
 * resolves an unambiguous prefix).
 *
 * @module
 */

import { InputError } from "../util/errors.ts";

/** How a downloaded file is checked. */
export type Checksum =
  | { sha256: string }
  | { md5: string }
  | { sha256: null; reason: string };

/** Extract one archive member to `path` (relative to the data directory). */
export interface MemberExtraction {
  /** Path inside the archive. */
  member: string;
  /** Destination, relative to the data directory. */
  path: string;
  /** sha256 of the extracted member, when known. */
  sha256?: string;
}

/** Extract every archive member under `prefix` into `dir`, keeping the rest of its path. */
export interface PrefixExtraction {
  /** Leading part of member paths (e.g. `"scifact/"`). */
  prefix: string;
  /** Destination folder, relative to the data directory. */
  dir: string;
}

/** One way to unpack an archive. */
export type Extraction = MemberExtraction | PrefixExtraction;

/** One file to download. */
export interface SourceFile {
  /** Official URL. */
  url: string;
  /**
   * Destination relative to the data directory. For an archive (with
   * `extract`), where it is kept while being unpacked; it is deleted after.
   */
  path: string;
  /** How the download is verified. */
  checksum: Checksum;
  /** For archives: what to unpack. */
  extract?: Extraction[];
}

/** A dataset: what it is and its files. */
export interface DatasetSource {
  /** Registry key, e.g. `"xquad-r"`, `"beir/scifact"`, `"miracl-corpus-ar"`. */
  name: string;
  /** One line. */
  description: string;
  /** Licence of the data. */
  license: string;
  /** Where it is documented. */
  homepage: string;
  /** Files to fetch. */
  files: SourceFile[];
}

// sha256 of the unchanged official files, computed with
// `cd shared/data && find xquad-r mlqa-r mlqa/dev miracl/topics miracl/qrels parallel vocab -type f | xargs sha256sum`
// (LICENSE files whose upstream path is not pinned, and the mBERT copy's
// third-party README, are left out).
const SHA256: Record<string, string> = {
  "miracl/qrels/qrels.miracl-v1.0-ar-dev.tsv":
    "3670a7804dedd5a602dad0661f6adb1e65b197829d5571f428e0af7fc46aa313",
  "miracl/qrels/qrels.miracl-v1.0-bn-dev.tsv":
    "0aab3bcb0bbc5d3e5ed1566a9e3965800239438b5b5f68d5b6bb4acb7f0fec0e",
  "miracl/qrels/qrels.miracl-v1.0-de-dev.tsv":
    "5d4a0d7ac42c7839a0513ba6deb6b27fc62803f318be8a7c411e10dbbde7578c",
  "miracl/qrels/qrels.miracl-v1.0-en-dev.tsv":
    "a0af836c300e85088c4d73449492e2378280f967cac032853c9e11f3bc8a8d81",
  "miracl/qrels/qrels.miracl-v1.0-es-dev.tsv":
    "2d9441de1e25d7d2faf54f757db618ad5a2927337862a367f1a60e87ef7e40b2",
  "miracl/qrels/qrels.miracl-v1.0-fa-dev.tsv":
    "3cec8ea8fb1f056110e5282df3aa37e14fb5f44c6f885528b6072c0243c1efc4",
  "miracl/qrels/qrels.miracl-v1.0-fi-dev.tsv":
    "4e534e96878729bd2566233d7499c991463052d91d34738dfe84d79f110255cd",
  "miracl/qrels/qrels.miracl-v1.0-fr-dev.tsv":
    "823e8f6fd297064d67efe37991cd3953414dc040c290f249b0895925f03509ad",
  "miracl/qrels/qrels.miracl-v1.0-hi-dev.tsv":
    "4cec99e7012ffca7fd129eeea01f37984bb21702706a8398208e8fba1c14e963",
  "miracl/qrels/qrels.miracl-v1.0-id-dev.tsv":
    "6270863499b1be946be0883e8815b52ffb21e56181e9dc67596eaeb61494a61c",
  "miracl/qrels/qrels.miracl-v1.0-ja-dev.tsv":
    "1e2a60ba96b889bd076adea950e7e83a2d083f671955a5ab3e9bdc332b492e5f",
  "miracl/qrels/qrels.miracl-v1.0-ko-dev.tsv":
    "88827ccc5b64e531b25f70eef30202d33daa9bfa3ac8cceadf5cdbd5ca5034df",
  "miracl/qrels/qrels.miracl-v1.0-ru-dev.tsv":
    "f877b43c7f53b76aab25e406e5a607ef1c5adba4ffaa11e1b252a4326735a19b",
  "miracl/qrels/qrels.miracl-v1.0-sw-dev.tsv":
    "a1e6438ac732dabd9a24fd5c8dfc0c64168aea81ff477d8b1986fde5ad193a63",
  "miracl/qrels/qrels.miracl-v1.0-te-dev.tsv":
    "576a7ded402697a7bb521b4b8bb1a27806b927556001450405d3a5b85590a0c9",
  "miracl/qrels/qrels.miracl-v1.0-th-dev.tsv":
    "81097e891775f67a9b98d41309f9c452dc4e09572b0cbf4952d4107ed0fe1407",
  "miracl/qrels/qrels.miracl-v1.0-yo-dev.tsv":
    "39a219ef0b593f6056e4ad1d65b9c03345730efa5107f0abd4a4a44ef2f6f0d2",
  "miracl/qrels/qrels.miracl-v1.0-zh-dev.tsv":
    "5546474d3dc8139014e6571e9f4041848bb0a314ca6d2d4bac708174d71c59eb",
  "miracl/topics/topics.miracl-v1.0-ar-dev.tsv":
    "10b534b889ec46e23df478eee09410ef2880d90d419644dfed5d05d39b57ece0",
  "miracl/topics/topics.miracl-v1.0-bn-dev.tsv":
    "46fbf50f1f3972b6908543bad6b6dfc60a75eec80d54aae603efd884ba608d2f",
  "miracl/topics/topics.miracl-v1.0-de-dev.tsv":
    "6b66ec2cfb4af383e6fe18a08899bfa3a0deeb5e6010758743fa93ab598321c9",
  "miracl/topics/topics.miracl-v1.0-en-dev.tsv":
    "25d9e6d17656674fd7aa3b67ee912c71545e664a842b147bfc17e9ff391db3da",
  "miracl/topics/topics.miracl-v1.0-es-dev.tsv":
    "5e93b5a1cea22a44912e6ad242147c58719dd8ce4bb6304264a53876b70e65ac",
  "miracl/topics/topics.miracl-v1.0-fa-dev.tsv":
    "df0ece36ab8048f765aa0bb2dde948f5c764cc25bdfc09fb1f5317ef24ff8b49",
  "miracl/topics/topics.miracl-v1.0-fi-dev.tsv":
    "71766986e9bef80118d60b989bdbd3ed965a845db6986847cbfd791fa00990b3",
  "miracl/topics/topics.miracl-v1.0-fr-dev.tsv":
    "dd471f3a0a594d212b30495f8b1d9759451aea399b44e02de6ca9c5550930106",
  "miracl/topics/topics.miracl-v1.0-hi-dev.tsv":
    "94bed8e649806246f59edfb6434ea0c59920a44f2f60a56e01d205c6bf58ef60",
  "miracl/topics/topics.miracl-v1.0-id-dev.tsv":
    "c5d9d5de2913beeb003ee0ef63e4537c2f632940ed077bfb2e9e8a3b5943096d",
  "miracl/topics/topics.miracl-v1.0-ja-dev.tsv":
    "1904b9bf0fc52e1b684daa7539b2bcfdd90122e603ffbcf6b5065a0e210525b0",
  "miracl/topics/topics.miracl-v1.0-ko-dev.tsv":
    "a365552cfc997a8915e948a3b5994883f641e7c3f12b6af87bbfaf89729e32a8",
  "miracl/topics/topics.miracl-v1.0-ru-dev.tsv":
    "91a7c3b6d21f79a12b5330f0a62811962f9370a0bf539cba8b3fecaa095f0616",
  "miracl/topics/topics.miracl-v1.0-sw-dev.tsv":
    "15cde3f614cb75b3106fb4606a16162140ee157da22c4a57aae756571788b722",
  "miracl/topics/topics.miracl-v1.0-te-dev.tsv":
    "3ac8a9a20bdf93ffcc36d554a5fff76ec4435131ae995010814df5881fff07d6",
  "miracl/topics/topics.miracl-v1.0-th-dev.tsv":
    "6ef23316d1224d9fef9e3f8bc2fdf527dad1a3bba98657617398c226503f5a46",
  "miracl/topics/topics.miracl-v1.0-yo-dev.tsv":
    "b24558e43e1965d5cfe7440a5bf3bf66d70529474ff76e64bfa72026129b2d2e",
  "miracl/topics/topics.miracl-v1.0-zh-dev.tsv":
    "5b284a9aabf08bb2d1c88ed7ea276025c9d23846457c5350dc8d391b5e0d0a13",
  "mlqa-r/ar.json": "2132fbc03208535c0fe01f2e2c5121d06f9c2aa799af93b0a719dbc105bdf137",
  "mlqa-r/de.json": "ce9454dc5aa6f2d85c23cd6e49cb367fbb7c4c6e62d7f71e355c6b5dae4d0886",
  "mlqa-r/en.json": "fedd9a5cc0848dda80caf84aa36f482adaae230526a3f6e9e86926a93ef3b1e4",
  "mlqa-r/es.json": "70ecba276b8c96a692b120693a595d076ce94ad21d4b28311538a9fcbfe0f9d7",
  "mlqa-r/hi.json": "4dd0fb3c06f737a5481d705bc1dcac7876712a5815c9265908fbb3a0696cb654",
  "mlqa-r/vi.json": "9d3baff6ba03e6793b25594217265ea59a136b9733833dca8a9582a84a78ff85",
  "mlqa-r/zh.json": "57f01d2fff50cf3392805635b01445339f225ad5bf28ba8443b12f8dbd1e69dc",
  "mlqa/dev/dev-context-ar-question-ar.json":
    "804d8e1a5355486d837432af08c68e33cf4ea16361142775f0ba700bcde91b40",
  "mlqa/dev/dev-context-ar-question-de.json":
    "bcd2720bc909b1b327bc444e560b0557d67c83d76d36ee1ca47c41d9c87c5d37",
  "mlqa/dev/dev-context-ar-question-en.json":
    "8120087c2510b993222397c86c3d18b209ec5c791f277a8eeb8725d5bbd9b5e7",
  "mlqa/dev/dev-context-ar-question-es.json":
    "f68b7df60c8912e02f32f3a1bbe9c3b030838fd6f92815a9b706cf3655815906",
  "mlqa/dev/dev-context-ar-question-hi.json":
    "eb745cb5113e1ccef5ee629b2d09055e85339655b199cf80656ddd21d058b2e0",
  "mlqa/dev/dev-context-ar-question-vi.json":
    "56f576190df6e40410ad99e6b0f89b4ab6d64840e816db47478e10389696d4ce",
  "mlqa/dev/dev-context-ar-question-zh.json":
    "1dc93ce968b43548ca90aa0376f36fb9bc2fa426822f8921fb6b19d5e4c130dc",
  "mlqa/dev/dev-context-de-question-ar.json":
    "8141d61fec7e9f039a679729faa7b897301734f9ef6bfa9a43afa44d189f0b85",
  "mlqa/dev/dev-context-de-question-de.json":
    "c60546f273b3951da2e1fcad1f078d9d422f02b0a49e31fdeca41f6bd48e4b2e",
  "mlqa/dev/dev-context-de-question-en.json":
    "a756f172086fc5a7c79a7741eeb7d8cc48d941e70ffe9aec38bf23ad75bd9e77",
  "mlqa/dev/dev-context-de-question-es.json":
    "f1ebf4679b2ad86d21a17eb1ade9b8ead476aa5fdddd58f42d1c44eda23a97c2",
  "mlqa/dev/dev-context-de-question-hi.json":
    "8882f3fa6ee8804e81acdf09d4e96a5d294187a87860639e0791b6fe9c6a74c7",
  "mlqa/dev/dev-context-de-question-vi.json":
    "f8ba0abf1aebe23d3778ff72b553e680ed0ed78a39f1c525a912de76708f3e48",
  "mlqa/dev/dev-context-de-question-zh.json":
    "b9fd64c411fe747d95aa7fa0e19254ec06fafcfa4a249ce8772063fbc766c2ac",
  "mlqa/dev/dev-context-en-question-ar.json":
    "1acaa6e37c7ff7fb21d801a8f3d860c5daae63741d9c4ab3f5be24a8b25f0fd9",
  "mlqa/dev/dev-context-en-question-de.json":
    "e8418680f801fb00e33632f700c254f648ce83558773b86621a45e973721144f",
  "mlqa/dev/dev-context-en-question-en.json":
    "85e0b48afa438f2938b6d74f3896133c87cb5f96e68d5280c5a36f67a6c56ab1",
  "mlqa/dev/dev-context-en-question-es.json":
    "e9e9bca9c84d2a670c4d77d7a2d4a8d52417389e5ba976fa1255b04f95478970",
  "mlqa/dev/dev-context-en-question-hi.json":
    "b2476e60901c6ac2a37c08b453a372cc6734ec980e75ba66a9aacdc0617a074a",
  "mlqa/dev/dev-context-en-question-vi.json":
    "a72686443b4c219bf2c99113849a28b59bfcf38e6a55e8b3f8c9d8474d99c66d",
  "mlqa/dev/dev-context-en-question-zh.json":
    "262215219ff9d8f5eb555f0b88b99c96316610143bf30d01f54e2aa38f2706fc",
  "mlqa/dev/dev-context-es-question-ar.json":
    "225d3945227ac2836c950fd21de50d5ea2fbc47e1bd9813b9cfed5cfb849f190",
  "mlqa/dev/dev-context-es-question-de.json":
    "da5a797cc5397ab9c41bd718d48564dd4b1ad5583366ddab96743116f975c31c",
  "mlqa/dev/dev-context-es-question-en.json":
    "f88753a3b0d26945ac40c285dbb293786a24c91f2da8d7dc006b293929f1850c",
  "mlqa/dev/dev-context-es-question-es.json":
    "e9f057ed81a6ca652eda2f610a66d06cc9fe0944c0c3efd854fab1b60b6a687a",
  "mlqa/dev/dev-context-es-question-hi.json":
    "81fb1702bb4901b5cdfa2b552e0a3164671b4935fa098320a8dd36659571fb30",
  "mlqa/dev/dev-context-es-question-vi.json":
    "5b46239d97dc3defe305a3ca436f587e4a4939e2952901c3131b41ded0167077",
  "mlqa/dev/dev-context-es-question-zh.json":
    "167d041880d4bb78dddb777218a076002c76b6b15bb94a292cc81f332ae9c523",
  "mlqa/dev/dev-context-hi-question-ar.json":
    "8c26f39f657d1d6a07a519d2729286f26bd33f0d35d5557ce2fc6f6b89eec8c9",
  "mlqa/dev/dev-context-hi-question-de.json":
    "dcd582ff7ef075170dd0609dd0933c63f650c4ac3ddb1af8b68d93fd487592c5",
  "mlqa/dev/dev-context-hi-question-en.json":
    "c555473fa7c2b4f81f72137c2e2da49d414b7aeeba7e2eeb143347ce7e54924e",
  "mlqa/dev/dev-context-hi-question-es.json":
    "8335a208ecc0702999ead0942e0fb1be6c0040b526d232b0fe6ca3de2feb7832",
  "mlqa/dev/dev-context-hi-question-hi.json":
    "36034fc6df13ee8955663550aa6ba014811094155c5392eb62014e4b02ffb391",
  "mlqa/dev/dev-context-hi-question-vi.json":
    "6fcaffdc88fb9fe350a1a1734212f9444ec8eb1a3737b652bc787bc9de5ae42e",
  "mlqa/dev/dev-context-hi-question-zh.json":
    "9ab9944c7da2450396509bbb132498276c0530e1e0a5470bc37b8d88fbc05ddc",
  "mlqa/dev/dev-context-vi-question-ar.json":
    "c1bfa036f7625773e7d94f13237e43d98821077456602dcb8d2edb7964b2ef49",
  "mlqa/dev/dev-context-vi-question-de.json":
    "0e0e7e091864f394d92db5bcd7a38bc94ca74ea2463d5a3798b58157897d8b9b",
  "mlqa/dev/dev-context-vi-question-en.json":
    "734e5f1c34266c3c2fbbceab254f499740414479c3d3c5c7cd8f7bc1fcd24f0f",
  "mlqa/dev/dev-context-vi-question-es.json":
    "fa1ff37ae0c5e54995fd4c2fd9a8879253ea84610866f205fbfb96d0c80a30cc",
  "mlqa/dev/dev-context-vi-question-hi.json":
    "952b0392e1ae2e81f498eed2578a4b697f96d1f8ddaea16b3e8b74dc949fa86f",
  "mlqa/dev/dev-context-vi-question-vi.json":
    "51ad1550db566e224e5ac8c149234d022bac92a68c32e38b4c3c83fc31e34e81",
  "mlqa/dev/dev-context-vi-question-zh.json":
    "7c27ba4ac47a219ba1e84bfa85b6f1db4b4f9e4fd6042c908de8d2c3a8c5b64f",
  "mlqa/dev/dev-context-zh-question-ar.json":
    "149c157ed03c851a9bc7aa0054f927e8278f0772023b6c6f0ea18f4cf0933785",
  "mlqa/dev/dev-context-zh-question-de.json":
    "cf2a2d38f0330e296931b287d403c03c02a55a63c4c4c3da12f197b2f52d4516",
  "mlqa/dev/dev-context-zh-question-en.json":
    "24a6514c9a86b07020a3a952738f2df57844960a300c0a5eb72b99ea7182db5e",
  "mlqa/dev/dev-context-zh-question-es.json":
    "2d7de3e88893ccd5e3388aa573e6bb18428281503a6d3679e11e0bb0163c2c11",
  "mlqa/dev/dev-context-zh-question-hi.json":
    "cc6f9cfb69165101d36eb97ce7577fa9cd61a235dfc90ab3201922c73dd091ac",
  "mlqa/dev/dev-context-zh-question-vi.json":
    "bbd03f48e28c441186960558499f0e9481eba249cc66e42256ed3b6397db0322",
  "mlqa/dev/dev-context-zh-question-zh.json":
    "8fad23a8bb5618361209c04313218eff96139682006ff533f8533eb3f2691486",
  "parallel/flores200/arb_Arab.devtest":
    "ff09a52e63884e9b5bb1083780b58f37d3d14acb0c58c6b1f1f2544ecea12ff8",
  "parallel/flores200/deu_Latn.devtest":
    "9a1bfa90d153fedb7ff80047f4a63d493998888eddb056e8a28e24592f26e5f2",
  "parallel/flores200/ell_Grek.devtest":
    "6c36930cb4c2dff02ab1853852cd71e33e43beed8058e6f0c3395069b816be00",
  "parallel/flores200/eng_Latn.devtest":
    "612e9fbe87997617c0fa8fa8929654a4f49b728d96738112c2b86ef6a1d78d88",
  "parallel/flores200/hin_Deva.devtest":
    "5f5fd39acadca29fb044a0398e81869e48f37de979df086f2fad4a7d1fd2d015",
  "parallel/flores200/metadata_devtest.tsv":
    "8edac47f861fcf6b54dad2068c10ba8f741da8b8676861c6bc27fcd9f5483b36",
  "parallel/flores200/ron_Latn.devtest":
    "6f0b4240c136efdbb4543e09295e55c52e8ebc632b081ef9089ae2e3da2b89e6",
  "parallel/flores200/rus_Cyrl.devtest":
    "cdc706ed862d1d35d8d67cfda0b396766646885434958b18291aa760ff1bb59e",
  "parallel/flores200/spa_Latn.devtest":
    "40fcb836b49b0a461a14c00b8bce1f03113f8d2668132af424e74b2421d18ce9",
  "parallel/flores200/tha_Thai.devtest":
    "d9bed1bf963821eab20051b18674950f345b67b0d0925290eaa6836eb06e76ca",
  "parallel/flores200/tur_Latn.devtest":
    "c0fe28cee25f77fbe8471bcd3c87d26c7a284f4f0420f4293c9ce004b9bef8f2",
  "parallel/flores200/vie_Latn.devtest":
    "86b70984f053cae5f5d554bc9e9d00397773b8325bed7e12e7695c2e61897cb0",
  "parallel/flores200/zho_Hans.devtest":
    "b30158b1b76f7cee08530d8127a9769f4512597c7eefe97ae1ccf630d5b6e7fd",
  "parallel/ntrex128/DOCUMENT_IDS.tsv":
    "88a8b0ff1eae47e83f60dcde01075b8c87d75ced59ca09e0af1eb539958e05d5",
  "parallel/ntrex128/README.md": "733ae44abee3ba3f44355ac806379e0fc7c954d4d946f027a4db2e8628fb41b4",
  "parallel/ntrex128/newstest2019-ref.arb.txt":
    "be4028e56addf43fb0923caf9c3e7c4301d2530d3362395e2cb716803970853c",
  "parallel/ntrex128/newstest2019-ref.deu.txt":
    "d7a6a096326b41d6f8efe4564b3f94deb9bec1596558f861a2c447e2fa0a4683",
  "parallel/ntrex128/newstest2019-ref.ell.txt":
    "85f9039ccffbd6bf1fe828cca7b3ae45dd38d5119f923ec94a66059c98673715",
  "parallel/ntrex128/newstest2019-ref.eng-US.txt":
    "e1db72daebe2b726204bf771fac63836180eb3feb971ef8e89d4152f04cb50a3",
  "parallel/ntrex128/newstest2019-ref.hin.txt":
    "be2e756ff953be2065c1a4058a04e1c6bd11b89029c62ac440927abb7bd87656",
  "parallel/ntrex128/newstest2019-ref.ron.txt":
    "92c789a66f471e2f052c011ed55b202fda222ddbb9c23eead781f9a2ca146dca",
  "parallel/ntrex128/newstest2019-ref.rus.txt":
    "177c80c1929cc88a84ab1597fd65d9caa1fb523fbcd9c03d09b452d6109efdac",
  "parallel/ntrex128/newstest2019-ref.spa.txt":
    "b9f01696130648b542e99bd62e91a3f9bf7b3830bd40858bc558e361343c1aef",
  "parallel/ntrex128/newstest2019-ref.tha.txt":
    "928493225287a56ae7d0f3b5ade8205262cce4bba6ba6b921cd9f32ae1d37821",
  "parallel/ntrex128/newstest2019-ref.tur.txt":
    "3f5e364a1ba973c21a5909b7100484235b4fdcfb3730a56ef6e32d46f7db5c2e",
  "parallel/ntrex128/newstest2019-ref.vie.txt":
    "89e482f3bb1dc79a7e37845abfc122b999b9396d529227c7b68055432d868afa",
  "parallel/ntrex128/newstest2019-ref.zho_Hans.txt":
    "ae97b7f992cddeee52499862902197ee9e485670cc40519c68b8c1cdc6a6cc88",
  "parallel/ntrex128/newstest2019-src.eng.txt":
    "3a62f94f5c42a395d4452ec890ca45afc75866b5b4b1d493429433cfe8469fe9",
  "parallel/tatoeba/ara-eng/tatoeba-test-v2021-08-07.ara":
    "cf210526bd68c21f06af0e236f55c6355079e7523a21529091a0e65c9204055b",
  "parallel/tatoeba/ara-eng/tatoeba-test-v2021-08-07.ara.labels":
    "310c9b08c3a6217e6f849bb1d0ff9e59cf38f17dcdb77720ceb21d7acd7d0e89",
  "parallel/tatoeba/ara-eng/tatoeba-test-v2021-08-07.eng":
    "8c2e22aa222b8d21b890c56e6508b2b9fa63df65225f66b72c8602f4baf426dd",
  "parallel/tatoeba/ara-eng/tatoeba-test-v2021-08-07.eng.labels":
    "4cebb1896781fc69d456deec4600d8a64466fa7f37d4db5618b3a16b53a690cc",
  "parallel/tatoeba/deu-eng/tatoeba-test-v2021-08-07.deu":
    "a06d3300c05158e83bb5c1709a0bf5aecc2e28c895e66f03b1c914a7fdd8c8c6",
  "parallel/tatoeba/deu-eng/tatoeba-test-v2021-08-07.deu.labels":
    "d2623f0e68eaa85720f7fccc24a9173a2e9599c8f62dd90ece3d9a675f1c7d8b",
  "parallel/tatoeba/deu-eng/tatoeba-test-v2021-08-07.eng":
    "5d0e3169914a5e3f4ca7bdec670880f2025385c5a7e29547d9cbd7992105e77f",
  "parallel/tatoeba/deu-eng/tatoeba-test-v2021-08-07.eng.labels":
    "7ec047f52258e60ef98f48ba226b0785a18a019f9484741568af9cfb3a37f435",
  "parallel/tatoeba/ell-eng/tatoeba-test-v2021-08-07.ell":
    "c0eb8b08528a0b5dbd6cccf3309a6f7182be740f933f6a50f6a56b836c630dff",
  "parallel/tatoeba/ell-eng/tatoeba-test-v2021-08-07.ell.labels":
    "5c1c7a2657a9fb8dc1d737b80fb7b543e41e10da5e6e3bdd1a88a2a275896a6b",
  "parallel/tatoeba/ell-eng/tatoeba-test-v2021-08-07.eng":
    "53e5b722e3397b056090cc3678516e65a406ae21e17015f65938f00c5773a0f5",
  "parallel/tatoeba/ell-eng/tatoeba-test-v2021-08-07.eng.labels":
    "4d0443bea528004f7990f885d1bc3132330c103715c10e32be5868612a119db2",
  "parallel/tatoeba/eng-hin/tatoeba-test-v2021-08-07.eng":
    "84bf2824b56142d053a4603ceb0e2e7490945ccb01a61cc33f3264e94c4d6f12",
  "parallel/tatoeba/eng-hin/tatoeba-test-v2021-08-07.eng.labels":
    "6a77ed65abc6a70506d3745089c9fa0d6ad42ec16096e893729836891f7030ee",
  "parallel/tatoeba/eng-hin/tatoeba-test-v2021-08-07.hin":
    "1bd48560ef1e57395c660c36f12c711f78487e0d750bd605fc3e1c9edd3c7f96",
  "parallel/tatoeba/eng-hin/tatoeba-test-v2021-08-07.hin.labels":
    "e3393778a23720b058b8e055ab45aed0f72c6fa945aa8902f59486b06f1d9ecd",
  "parallel/tatoeba/eng-ron/tatoeba-test-v2021-08-07.eng":
    "7afb91dc06d861b13fbf6506d6f4d872b5da51d36e4a80e5fcab8eeadb224510",
  "parallel/tatoeba/eng-ron/tatoeba-test-v2021-08-07.eng.labels":
    "86cb99572a938da54c7a5374e544f6043ea83ac0e72d3631990894474628beee",
  "parallel/tatoeba/eng-ron/tatoeba-test-v2021-08-07.ron":
    "dc7adfefc73a1a47a9432d970afd1b86ce5eefd82c4375f8d5469db6c2f97835",
  "parallel/tatoeba/eng-ron/tatoeba-test-v2021-08-07.ron.labels":
    "b28dce922adb6523c968792de0fd08fb7494e00135319debf137fa49059dceb6",
  "parallel/tatoeba/eng-rus/tatoeba-test-v2021-08-07.eng":
    "3d89c0281402c08dd6f8158301bf44586997b7f76070269c9ee4097c4f10fcb2",
  "parallel/tatoeba/eng-rus/tatoeba-test-v2021-08-07.eng.labels":
    "1a2ecaa150eab451e92d1d51dcfb67937a1e323f7dbd5707f36ab8778c648764",
  "parallel/tatoeba/eng-rus/tatoeba-test-v2021-08-07.rus":
    "643d0d8beedac2add8b8a6523bacdbbb349e438e0139eb5ef9b4cc0f63660cd5",
  "parallel/tatoeba/eng-rus/tatoeba-test-v2021-08-07.rus.labels":
    "0993f1d9adf8a84ab8c1e24b7880e99bc02ac5dd2049539ca2e8a78ef0ccfc2f",
  "parallel/tatoeba/eng-spa/tatoeba-test-v2021-08-07.eng":
    "74da6b3ced819694959c14aadda79876abcd8d0aa6163a79fa4381bfb473c23e",
  "parallel/tatoeba/eng-spa/tatoeba-test-v2021-08-07.eng.labels":
    "30c735ef97d10688c6ee79abbfd643f82445eb270f9eb1079a83ad6fdfc842aa",
  "parallel/tatoeba/eng-spa/tatoeba-test-v2021-08-07.spa":
    "204c4d49224aa8bb974927daee66368c1b00068e3b6815fdba41d1265699cd93",
  "parallel/tatoeba/eng-spa/tatoeba-test-v2021-08-07.spa.labels":
    "3ca74e354b59a16e0a521b723eafefb9194dab410d1079d30385c5be9365ef93",
  "parallel/tatoeba/eng-tha/tatoeba-test-v2021-08-07.eng":
    "43e6c773c2f748504cdf59f38cb5ed8ce156d30c2dc0b83870842f57d05f104b",
  "parallel/tatoeba/eng-tha/tatoeba-test-v2021-08-07.eng.labels":
    "80fd7940dc1a941ab24e981e604f92e7062b603e3756c4ad4ea1e6a51a7ff169",
  "parallel/tatoeba/eng-tha/tatoeba-test-v2021-08-07.tha":
    "f76d85c976ec6fe813159429d6a62821c9fff80ba8e25177455ba5242eeee06d",
  "parallel/tatoeba/eng-tha/tatoeba-test-v2021-08-07.tha.labels":
    "bf642c8cbb659a7f92359dc0adb96d21f616d1b8c39a848701065216abed9373",
  "parallel/tatoeba/eng-tur/tatoeba-test-v2021-08-07.eng":
    "f316c20e76fbdc939495e5abe74e5b81bc1920663ba8106c4ecf56d21230187f",
  "parallel/tatoeba/eng-tur/tatoeba-test-v2021-08-07.eng.labels":
    "a25214cb4dfacdfbc2bb5533dc15b2b5c4faee051b59f4f474c34ca73cbb71f0",
  "parallel/tatoeba/eng-tur/tatoeba-test-v2021-08-07.tur":
    "0622af57035c6df8ed9e2018a81757142941d7864362dc3b4b11be5f406eefd4",
  "parallel/tatoeba/eng-tur/tatoeba-test-v2021-08-07.tur.labels":
    "b9c5101474bb9f95afc1cb972d8e5f3a9075fd80d29b27a70111d359f82c87d2",
  "parallel/tatoeba/eng-vie/tatoeba-test-v2021-08-07.eng":
    "877c0ba759b4db83a014713c5ba02d5aeccecff5e2de51f5d4b76ee5ee9ff89b",
  "parallel/tatoeba/eng-vie/tatoeba-test-v2021-08-07.eng.labels":
    "8ac9e979209974761143e9f5a852e55911e8edb5775bbca96b14160a7371c0af",
  "parallel/tatoeba/eng-vie/tatoeba-test-v2021-08-07.vie":
    "cd2dba06d217a8d02c79a4b95ec5bcf25067a8cbab152ad1a3903b4f2fb9ce9e",
  "parallel/tatoeba/eng-vie/tatoeba-test-v2021-08-07.vie.labels":
    "34b01fac5412006ec872902347668e856d5c1b9adf333360058edd7aeffcf849",
  "parallel/tatoeba/eng-zho/tatoeba-test-v2021-08-07.eng":
    "75bb1a99ffa2410ae901f0c2aad376effc97fa116e5546b51e1a27793a7fc39e",
  "parallel/tatoeba/eng-zho/tatoeba-test-v2021-08-07.eng.labels":
    "0f94132c6ca7687d4841c6c99362baed957911ef4c9483785b7d091f444b5cde",
  "parallel/tatoeba/eng-zho/tatoeba-test-v2021-08-07.zho":
    "af2b796d041e916ced5191392bf20ecbeac71e918613079680da1f7646561fd4",
  "parallel/tatoeba/eng-zho/tatoeba-test-v2021-08-07.zho.labels":
    "3d159dec3d95170a29be1ee861a91901088b85de9ee4f6dfb9b58edca709cec5",
  "vocab/bert-base-multilingual-cased/config.json":
    "4d10c2021c6b5fbe8b70698abc6ccc6691dc28d1bae9732f7fa1087782feba7e",
  "vocab/bert-base-multilingual-cased/tokenizer.json":
    "f4a4d5bf7301717e261fafbe26e1eb967f6ba4cb3ae0ab7a29f4642ec229f386",
  "vocab/bert-base-multilingual-cased/tokenizer_config.json":
    "adac4eb1158c23ecf85b5215105c1d0bcc42e34d6a9f82d637018f4b7f0b1aa2",
  "vocab/bert-base-multilingual-cased/vocab.txt":
    "fe0fda7c425b48c516fc8f160d594c8022a0808447475c1a7c6d6479763f310c",
  "xquad-r/LICENSE": "25ddafc153e4cfdafd70729574ef1b44348e1814709e57680d55347038d3f92c",
  "xquad-r/README.upstream.md": "b88f32ef57482e4fc1b7c0dfa4e0c954a31048df81bc793d87e11479388cf3e6",
  "xquad-r/ar.json": "c52922d3b8ac1ae03ed5ac38647ad59870dca3dda2beefe18ecdc30729acb69d",
  "xquad-r/de.json": "16fb0f4bf4916154b585a20c24c66074591c9718a1affe764ff4697572328949",
  "xquad-r/el.json": "163fd43ee785a30eb534ae2061e9eaa766a7ee4e8ffce5e4b422480c150f64b6",
  "xquad-r/en.json": "7b0954f39297c27a31fef610f0883337dd2907fa8699151dc922afdd0fa12ffe",
  "xquad-r/es.json": "f8e836b2d91009c4363e04315f7ede363eedbbb49c67dda60de6c4aa782f58de",
  "xquad-r/hi.json": "ea45ba8ae4513d1533b222bebdc02a90bc319c055d3aeea68584a053d2e92872",
  "xquad-r/ru.json": "7f4dff853538b9a5fcc28c070b8bb983a5c5d190ac747b8e005a1ada9cab18f1",
  "xquad-r/th.json": "c3a041864c3a9fb0b4dd91cfdf99cf36b411b3e704c58a303c97bc6dc786cfe4",
  "xquad-r/tr.json": "f3e8c13002bbce154a4578f535f7533cb70f3da08840e6b62735935baec7bd94",
  "xquad-r/vi.json": "e35926bf5cc6fc6ecbdfca49467aabeb454f08d152d7818143a906bd31dde995",
  "xquad-r/zh.json": "80c2cde7b9c2fb134c303cbb52f2ba396ead9eb0014aec43993543d2ba9e93ed",
};

function sha(path: string): Checksum {
  const hex = SHA256[path];
  if (hex === undefined) throw new Error(`sources.ts: no sha256 recorded for ${path}`);
  return { sha256: hex };
}

const raw = (repo: string, commit: string, path: string) =>
  `https://raw.githubusercontent.com/${repo}/${commit}/${path}`;

const LAREQA = "google-research-datasets/lareqa";
const LAREQA_XQUAD_COMMIT = "9bc8c7fb6dd8d01d72a05a93c2cb96882b0d299c";
const LAREQA_MLQA_COMMIT = "343180b";
const EVAL_REPO = "castorini/eval";
const EVAL_COMMIT = "5b819c1a45c8a0a3ec9426f476694f44a29dfaf3";
const OPUS = "Helsinki-NLP/OPUS-MT-testsets";
const OPUS_COMMIT = "ac0f19c";
const NTREX = "MicrosoftTranslator/NTREX";

/** XQuAD-R languages. */
export const XQUAD_R_LANGUAGES: readonly string[] = "ar de el en es hi ru th tr vi zh".split(" ");

/** MLQA (and MLQA-R) languages. */
export const MLQA_LANGUAGES: readonly string[] = ["ar", "de", "en", "es", "hi", "vi", "zh"];

/**
 * MIRACL v1.0 languages with dev topics, and the number of `docs-{i}.jsonl.gz`
 * shards of each corpus on Hugging Face (from the dataset's loading script).
 */
export const MIRACL_CORPUS_SHARDS: Readonly<Record<string, number>> = {
  ar: 5,
  bn: 1,
  de: 32,
  en: 66,
  es: 21,
  fa: 5,
  fi: 4,
  fr: 30,
  hi: 2,
  id: 3,
  ja: 14,
  ko: 3,
  ru: 20,
  sw: 1,
  te: 2,
  th: 2,
  yo: 1,
  zh: 10,
};

/** The MIRACL corpus on Hugging Face. */
export const MIRACL_CORPUS_HF = "https://huggingface.co/datasets/miracl/miracl-corpus";

/**
 * The folder of one language's MIRACL corpus, relative to the data directory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { miraclCorpusDir } from "./sources.ts";
 * assert(miraclCorpusDir("ar") === "miracl/corpus/miracl-corpus-v1.0-ar");
 * ```
 */
export function miraclCorpusDir(lang: string): string {
  return `miracl/corpus/miracl-corpus-v1.0-${lang}`;
}

/** BEIR archives and the md5 BEIR publishes for each (README, "Available Datasets"). */
export const BEIR_MD5: Readonly<Record<string, string>> = {
  msmarco: "444067daf65d982533ea17ebd59501e4",
  "trec-covid": "ce62140cb23feb9becf6270d0d1fe6d1",
  nfcorpus: "a89dba18a62ef92f7d323ec890a0d38d",
  nq: "d4d3d2e48787a744b6f6e691ff534307",
  hotpotqa: "f412724f78b0d91183a0e86805e16114",
  fiqa: "17918ed23cd04fb15047f73e6c3bd9d9",
  arguana: "8ad3e3c2a5867cdced806d6503f29b99",
  "webis-touche2020": "46f650ba5a527fc69e0a6521c5a23563",
  cqadupstack: "4e41456d7df8ee7760a7f866133bda78",
  quora: "18fb154900ba42a600f84b839c173167",
  "dbpedia-entity": "c2a39eb420a3164af735795df012ac2c",
  scidocs: "38121350fc3a4d2f48850f6aff52e4a9",
  fever: "5a818580227bfb4b35bb6fa46d9b6c03",
  "climate-fever": "8b66f0a9126c521bae2bde127b4dc99d",
  scifact: "5f7d1de60b170fc8027bb7898e2efca1",
};

const NTREX_LANGS = "arb deu ell eng-US hin ron rus spa tha tur vie zho_Hans".split(" ");
const FLORES_LANGS =
  "arb_Arab deu_Latn ell_Grek eng_Latn hin_Deva ron_Latn rus_Cyrl spa_Latn tha_Thai tur_Latn vie_Latn zho_Hans"
    .split(" ");
const TATOEBA_PAIRS =
  "ara-eng deu-eng ell-eng eng-hin eng-ron eng-rus eng-spa eng-tha eng-tur eng-vie eng-zho".split(
    " ",
  );
const TATOEBA_VERSION = "tatoeba-test-v2021-08-07";

function datasets(): DatasetSource[] {
  const out: DatasetSource[] = [];
  out.push({
    name: "xquad-r",
    description: "XQuAD-R (LAReQA): 11 languages, 1,190 questions each, sentence candidates",
    license: "CC BY-SA 4.0",
    homepage: "https://github.com/google-research-datasets/lareqa",
    files: [
      ...XQUAD_R_LANGUAGES.map((l) => ({
        url: raw(LAREQA, LAREQA_XQUAD_COMMIT, `xquad-r/${l}.json`),
        path: `xquad-r/${l}.json`,
        checksum: sha(`xquad-r/${l}.json`),
      })),
      {
        url: raw(LAREQA, LAREQA_XQUAD_COMMIT, "LICENSE"),
        path: "xquad-r/LICENSE",
        checksum: sha("xquad-r/LICENSE"),
      },
      {
        url: raw(LAREQA, LAREQA_XQUAD_COMMIT, "README.md"),
        path: "xquad-r/README.upstream.md",
        checksum: sha("xquad-r/README.upstream.md"),
      },
    ],
  });
  out.push({
    name: "mlqa-r",
    description: "MLQA-R (LAReQA, built from the MLQA dev split): 7 languages",
    license: "CC BY-NC 4.0",
    homepage: "https://github.com/google-research-datasets/lareqa",
    files: MLQA_LANGUAGES.map((l) => ({
      url: raw(LAREQA, LAREQA_MLQA_COMMIT, `mlqa-dev-r/${l}.json`),
      path: `mlqa-r/${l}.json`,
      checksum: sha(`mlqa-r/${l}.json`),
    })),
  });
  const mlqaMembers: MemberExtraction[] = [];
  for (const c of MLQA_LANGUAGES) {
    for (const q of MLQA_LANGUAGES) {
      const base = `dev-context-${c}-question-${q}.json`;
      mlqaMembers.push({
        member: `MLQA_V1/dev/${base}`,
        path: `mlqa/dev/${base}`,
        sha256: SHA256[`mlqa/dev/${base}`],
      });
    }
  }
  out.push({
    name: "mlqa",
    description: "MLQA v1 dev split, 49 context × question language files (SQuAD format)",
    license: "CC BY-SA 3.0",
    homepage: "https://github.com/facebookresearch/MLQA",
    files: [{
      url: "https://dl.fbaipublicfiles.com/MLQA/MLQA_V1.zip",
      path: "mlqa/MLQA_V1.zip",
      checksum: {
        sha256: null,
        reason:
          "MLQA publishes no archive checksum; the extracted dev files are verified by sha256",
      },
      extract: mlqaMembers,
    }],
  });
  for (const [name, md5] of Object.entries(BEIR_MD5)) {
    out.push({
      name: `beir/${name}`,
      description: `BEIR ${name} (corpus.jsonl, queries.jsonl, qrels/*.tsv)`,
      license: "see the BEIR README for the licence of each dataset",
      homepage: "https://github.com/beir-cellar/beir",
      files: [{
        url: `https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets/${name}.zip`,
        path: `beir/${name}.zip`,
        checksum: { md5 },
        extract: [{ prefix: `${name}/`, dir: `beir/${name}/` }],
      }],
    });
  }
  const miraclFiles: SourceFile[] = [];
  for (const lang of Object.keys(MIRACL_CORPUS_SHARDS)) {
    for (const kind of ["topics", "qrels"]) {
      const file = `${kind}.miracl-v1.0-${lang}-dev.tsv`;
      miraclFiles.push({
        url: raw(EVAL_REPO, EVAL_COMMIT, `${kind}/${file}`),
        path: `miracl/${kind}/${file}`,
        checksum: sha(`miracl/${kind}/${file}`),
      });
    }
  }
  out.push({
    name: "miracl",
    description: "MIRACL v1.0 dev topics and qrels, 18 languages (Anserini TSV)",
    license: "Apache-2.0",
    homepage: "https://github.com/castorini/eval",
    files: miraclFiles,
  });
  for (const [lang, shards] of Object.entries(MIRACL_CORPUS_SHARDS)) {
    const dir = miraclCorpusDir(lang);
    out.push({
      name: `miracl-corpus-${lang}`,
      description: `MIRACL v1.0 passage corpus, ${lang} (${shards} jsonl.gz shard${
        shards === 1 ? "" : "s"
      })`,
      license: "Apache-2.0 (text from Wikipedia, CC BY-SA)",
      homepage: MIRACL_CORPUS_HF,
      files: Array.from({ length: shards }, (_, i) => ({
        url: `${MIRACL_CORPUS_HF}/resolve/main/miracl-corpus-v1.0-${lang}/docs-${i}.jsonl.gz`,
        path: `${dir}/docs-${i}.jsonl.gz`,
        checksum: {
          sha256: null,
          reason: "no copy was available to hash; Hugging Face lists each shard's LFS sha256 " +
            "on the dataset's file page",
        },
      })),
    });
  }
  const ntrexBase = "datasets/microsoft/ntrex/NTREX/NTREX-128";
  out.push({
    name: "ntrex128",
    description: "NTREX-128 news test references (1,997 sentences, 123 documents), 12 languages",
    license: "CC BY-SA 4.0",
    homepage: "https://github.com/MicrosoftTranslator/NTREX",
    files: [
      ...["src.eng", ...NTREX_LANGS.map((l) => `ref.${l}`)].map((f) => ({
        url: raw(OPUS, OPUS_COMMIT, `${ntrexBase}/newstest2019-${f}.txt`),
        path: `parallel/ntrex128/newstest2019-${f}.txt`,
        checksum: sha(`parallel/ntrex128/newstest2019-${f}.txt`),
      })),
      {
        url: raw(NTREX, "fa9e8c9e3bb875a39b0d3f36394c54e2d0f67cc7", "DOCUMENT_IDS.tsv"),
        path: "parallel/ntrex128/DOCUMENT_IDS.tsv",
        checksum: sha("parallel/ntrex128/DOCUMENT_IDS.tsv"),
      },
      {
        url: raw(NTREX, "284d63d27173ca94d9f5f65bf44d8592f945d038", "README.md"),
        path: "parallel/ntrex128/README.md",
        checksum: sha("parallel/ntrex128/README.md"),
      },
    ],
  });
  const floresBase = "datasets/facebook/flores/flores200_dataset";
  out.push({
    name: "flores200",
    description: "FLORES-200 devtest (1,012 sentences) in 12 languages, with article metadata",
    license: "CC BY-SA 4.0",
    homepage: "https://github.com/facebookresearch/flores",
    files: [
      ...FLORES_LANGS.map((l) => ({
        url: raw(OPUS, OPUS_COMMIT, `${floresBase}/devtest/${l}.devtest`),
        path: `parallel/flores200/${l}.devtest`,
        checksum: sha(`parallel/flores200/${l}.devtest`),
      })),
      {
        url: raw(OPUS, OPUS_COMMIT, `${floresBase}/metadata_devtest.tsv`),
        path: "parallel/flores200/metadata_devtest.tsv",
        checksum: sha("parallel/flores200/metadata_devtest.tsv"),
      },
    ],
  });
  const tatoebaFiles: SourceFile[] = [];
  for (const pair of TATOEBA_PAIRS) {
    for (const lang of pair.split("-")) {
      for (const ext of ["", ".labels"]) {
        const file = `${pair}/${TATOEBA_VERSION}.${lang}${ext}`;
        tatoebaFiles.push({
          url: raw(OPUS, OPUS_COMMIT, `datasets/helsinki_nlp/tatoeba/testsets/${file}`),
          path: `parallel/tatoeba/${file}`,
          checksum: sha(`parallel/tatoeba/${file}`),
        });
      }
    }
  }
  out.push({
    name: "tatoeba",
    description: "Tatoeba Challenge test sets v2021-08-07, English paired with 11 languages",
    license: "CC BY 2.0 FR",
    homepage: "https://github.com/Helsinki-NLP/Tatoeba-Challenge",
    files: tatoebaFiles,
  });
  const vocab = "vocab/bert-base-multilingual-cased";
  out.push({
    name: vocab,
    description: "mBERT cased WordPiece vocabulary (119,547 entries) and tokenizer.json",
    license: "Apache-2.0",
    homepage: "https://huggingface.co/bert-base-multilingual-cased",
    files: ["vocab.txt", "tokenizer.json", "tokenizer_config.json", "config.json"].map((f) => ({
      url: `https://huggingface.co/bert-base-multilingual-cased/resolve/main/${f}`,
      path: `${vocab}/${f}`,
      checksum: sha(`${vocab}/${f}`),
    })),
  });
  return out;
}

/** Every downloadable dataset, by name. */
export const SOURCES: Readonly<Record<string, DatasetSource>> = Object.fromEntries(
  datasets().map((d) => [d.name, d]),
);

/**
 * Looks a dataset up by name.
 *
 * @param name A key of {@linkcode SOURCES}.
 * @param sources The registry (default {@linkcode SOURCES}).
 * @returns Its entry.
 * @throws {InputError} For an unknown name, listing the known ones.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getSource } from "./sources.ts";
 * assert(getSource("xquad-r").files.length === 13);
 * ```
 */
export function getSource(
  name: string,
  sources: Readonly<Record<string, DatasetSource>> = SOURCES,
): DatasetSource {
  const found = sources[name];
  if (found === undefined) {
    throw new InputError(
      `Unknown dataset "${name}", expected one of: ${Object.keys(sources).join(", ")}`,
    );
  }
  return found;
}
