"""Realistic Vietnamese content for the demo data set: names, bodies, topics."""

FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
                "Dương", "Lý", "Võ", "Đinh"]
MALE_MIDDLE = ["Văn", "Hữu", "Đức", "Quang", "Minh", "Xuân", "Công", "Đình"]
FEMALE_MIDDLE = ["Thị", "Thu", "Ngọc", "Thanh", "Thị Thu", "Hồng", "Phương"]
MALE_GIVEN = ["An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân",
              "Sơn", "Thắng", "Tuấn", "Vinh", "Hưng", "Lâm"]
FEMALE_GIVEN = ["Hương", "Lan", "Hà", "Huyền", "Linh", "Mai", "Nga", "Thảo", "Trang", "Yến", "Hạnh", "Ánh",
                "Dung", "Loan", "Oanh", "Hường"]

HOME_BODIES = ["Ban Tổ chức Huyện ủy", "Ủy ban Kiểm tra Huyện ủy", "Ủy ban MTTQ Việt Nam huyện",
               "Văn phòng Huyện ủy", "Huyện đoàn", "Hội Liên hiệp Phụ nữ huyện", "Hội Nông dân huyện",
               "Phòng Tư pháp huyện", "Ban Dân vận Huyện ủy"]
ADJUNCT_POSITIONS = ["Trưởng ban", "Phó Trưởng ban", "Chủ nhiệm", "Phó Chủ nhiệm", "Chánh Văn phòng",
                     "Bí thư", "Chủ tịch", "Trưởng phòng"]
PLACES = ["Hội trường Trung tâm Chính trị", "Hội trường UBND xã Nam Thanh", "Hội trường Đảng ủy xã Kim Liên",
          "Nhà văn hóa xã Xuân Hòa", "Hội trường Đảng ủy thị trấn"]

TOPICS = {
    "NTD": [
        ("B1", "Chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh - nền tảng tư tưởng, kim chỉ nam cho hành động của Đảng", 4),
        ("B2", "Độc lập dân tộc gắn liền với chủ nghĩa xã hội - mục tiêu, lý tưởng của Đảng", 4),
        ("B3", "Đảng Cộng sản Việt Nam - người tổ chức và lãnh đạo mọi thắng lợi của cách mạng Việt Nam", 4),
        ("B4", "Tổ chức cơ sở đảng và đảng viên; phấn đấu trở thành đảng viên Đảng Cộng sản Việt Nam", 4),
    ],
    "DVM": [
        ("B1", "Những nội dung cơ bản của Điều lệ Đảng", 4),
        ("B2", "Nhiệm vụ, quyền hạn của đảng viên và tu dưỡng, rèn luyện đạo đức cách mạng", 4),
        ("B3", "Xây dựng, chỉnh đốn Đảng; ngăn chặn, đẩy lùi suy thoái, tự diễn biến, tự chuyển hóa", 4),
        ("B4", "Lịch sử Đảng bộ địa phương", 4),
    ],
    "SCLL": [
        ("B1", "Những nội dung cơ bản của chủ nghĩa Mác - Lênin", 8),
        ("B2", "Những nội dung cơ bản của tư tưởng Hồ Chí Minh", 8),
        ("B3", "Hệ thống chính trị ở cơ sở", 8),
    ],
    "CNKT": [
        ("B1", "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV của Đảng", 8),
        ("B2", "Chuyển đổi số trong hoạt động của hệ thống chính trị cơ sở", 4),
    ],
    "BTCB": [
        ("B1", "Nghiệp vụ công tác của bí thư chi bộ", 4),
        ("B2", "Tổ chức sinh hoạt chi bộ có chất lượng", 4),
    ],
}
