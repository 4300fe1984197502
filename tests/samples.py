"""Small invented inputs shared by several test modules (in the gazette's style, not from it)."""

NOTICE = """晋城市人民政府办公室
关于印发晋城市食品安全工作方案的通知
晋市政办〔2022〕15号
各县（市、区）人民政府，市人民政府各委、办、局：
现将《晋城市食品安全工作方案》印发给你们，请认真贯彻执行。
晋城市人民政府办公室
2022年6月30日
（此件公开发布）
晋城市食品安全工作方案
一、主要任务
（一）加强食品安全监管。由市市场监督管理局牵头，市公安局、市农业农村局配合，各县（市、区）人民政府负责落实。
"""
# A second measure, for tests that need the notice to change between two builds.
EXTRA = "（二）推进泽州县、高平市食品产业园建设。市发展改革委牵头。\n"
