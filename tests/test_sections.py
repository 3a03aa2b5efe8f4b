"""The section index maps offsets to section paths, irregular headings included."""

import pytest

from kg.lists.sections import SectionIndex, chinese_numeral
from kg.lists.source import plan_text, section_index

TEXT = plan_text()


def label_of(snippet: str, occurrence: int = 0) -> str:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(snippet, start + 1)
    return section_index().at(start).label


@pytest.mark.parametrize(
    "snippet, label",
    [
        ("经市人民政府同意", "印发通知"),
        ("“十四五”时期是天津在全面建成", "引言"),
        ("全面开启更高水平创新型城市建设新征程", "第一章"),
        ("“十三五”以来，本市大力实施", "第一章 › 一 › （一）"),
        # Written “2、” where 二、 is meant.
        ("2、 着力推动关键核心技术攻关", "第二章 › 二"),
        ("以信创产业为突破口，加强前瞻性", "第二章 › 二 › （一）"),
        ("研究CPU、GPU、传感器等设计及开发技术", "第二章 › 二 › （一） › 2"),
        # Written “（5）” between （四） and （六）.
        ("（5） 新能源汽车及智能网联车", "第二章 › 二 › （五）"),
        ("围绕汽车强国建设", "第二章 › 二 › （五）"),
        ("研究汽车雷达、摄像头", "第二章 › 二 › （五） › 2"),
        ("围绕本市新材料和石化产业的发展需求", "第二章 › 二 › （六）"),
        ("重点发展小站稻、蔬菜", "第二章 › 三 › （一） › 1"),
        # An item written without indentation.
        ("支持太阳能、风能、生物质能", "第二章 › 三 › （二） › 7"),
        ("对标国家实验室建设海河实验室", "第三章 › 一 › （二）"),
        ("专栏1  海河实验室重点领域方向", "专栏1"),
        ("解决“缺芯少魂”问题", "专栏1 › 2"),
        ("通过纠正细胞生态环境有效治疗疾病", "专栏1 › 5"),
        ("围绕学科优势，以海河实验室", "第三章 › 二 › （一）"),
        ("完善与中关村的联席会议制度", "专栏2 › 1"),
        ("以中国医学科学院血液病医院", "专栏2 › 3"),
        ("承接生物医药领域北京非首都功能疏解", "专栏2 › 4"),
        ("围绕国家战略和重点产业发展需求，依托各区", "第六章 › 二 › （一）"),
        ("依托天津港保税区，充分发挥国家合成生物", "专栏3 › 2"),
        ("以天津经济技术开发区东区为核心承载区", "专栏3 › 6"),
        ("“鱼米之乡”", "专栏3 › 10"),
        ("依托南开区与天津大学", "第六章 › 二 › （二）"),
        ("启动天津科技馆新馆建设", "第八章 › 三 › （五）"),
        ("开展规划实施情况动态监测", "第九章 › 三"),
    ],
)
def test_offsets_map_to_their_section(snippet, label):
    assert label_of(snippet) == label


@pytest.mark.parametrize(
    "snippet, occurrence, label",
    [
        ("全社会研究与试验发展（R&D）经费支出占地区生产总值比重", 0, "表1 › 1"),
        ("7420", 0, "表1 › 5"),
        ("外国高端和专业人才来华工作人数", 0, "表1 › 11"),
        ("2025年\n", 0, "表1"),
    ],
)
def test_table_rows(snippet, occurrence, label):
    assert label_of(snippet, occurrence) == label


def test_irregular_headings_are_flagged_and_normalised():
    irregular = {s.label: s.written for s in section_index().sections if s.irregular}
    assert irregular == {"第二章 › 二": "2", "第二章 › 二 › （五）": "（5）"}


def test_counts_of_sections():
    sections = section_index().sections
    chapters = [s for s in sections if len(s.path) == 1 and s.path[0].startswith("第")]
    assert [s.path[0] for s in chapters] == [f"第{chinese_numeral(n)}章" for n in range(1, 10)]
    boxes = {s.path[0] for s in sections if s.path[0].startswith("专栏")}
    assert boxes == {"专栏1", "专栏2", "专栏3"}
    assert len([s for s in sections if s.path[0] == "专栏3" and len(s.path) == 2]) == 10
    assert len([s for s in sections if s.path[0] == "表1" and len(s.path) == 2]) == 11


def test_every_offset_has_a_section_and_sections_nest():
    index = section_index()
    for offset in range(0, len(TEXT), 97):
        section = index.at(offset)
        assert section.start <= offset < section.end
        parent = section.parent
        while parent is not None:
            assert parent.start <= section.start and section.end <= parent.end
            parent = parent.parent


def test_offset_outside_text():
    with pytest.raises(IndexError):
        section_index().at(len(TEXT))


def test_index_of_other_text():
    text = "标题\n第一章  总则\n一、目标\n正文\n（1） 第一项\n1．甲。内容\n2．乙。内容\n二、措施\n"
    index = SectionIndex(text)
    assert index.at(text.index("内容")).label == "第一章 › 一 › （一） › 1"
    assert index.at(text.index("乙")).label == "第一章 › 一 › （一） › 2"
    assert index.at(text.index("措施")).label == "第一章 › 二"


def test_chinese_numerals():
    assert [chinese_numeral(n) for n in (1, 9, 10, 11, 19, 21, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "十九",
        "二十一",
        "九十九",
    ]
