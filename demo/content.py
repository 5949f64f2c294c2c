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

# --- observed lessons -------------------------------------------------------------------------
# Observers' comments by criterion of the LLCT rubric: what is said when the criterion scored
# high (strengths), low (shortcomings), and the advice that goes with a shortcoming.
CRITERION_COMMENTS = {
    "1.1": {
        "strengths": ["Giáo án soạn đúng mẫu, đầy đủ các bước lên lớp, xác định rõ mục đích, yêu cầu.",
                      "Chuẩn bị chu đáo giáo án, slide trình chiếu và tài liệu phát tay cho học viên."],
        "shortcomings": ["Giáo án còn sơ sài; trình tự các bước lên lớp chưa chuẩn theo mẫu.",
                         "Slide nhiều chữ, cỡ chữ nhỏ, học viên ngồi cuối hội trường khó theo dõi."],
        "recommendations": ["Hoàn thiện giáo án theo mẫu của đơn vị, ghi rõ thời lượng từng phần.",
                            "Thiết kế lại slide: mỗi trang một ý chính, tăng cỡ chữ, dùng sơ đồ thay đoạn văn dài."],
    },
    "2.1": {
        "strengths": ["Bảo đảm tính Đảng: truyền đạt đúng quan điểm, đường lối của Đảng, chính sách, pháp luật "
                      "của Nhà nước.",
                      "Bám sát văn kiện, trích dẫn chính xác các quan điểm của Đảng, có ghi nguồn."],
        "shortcomings": ["Một số diễn đạt về quan điểm của Đảng chưa chuẩn xác, dễ gây hiểu chưa đúng.",
                         "Trích dẫn văn kiện chưa ghi rõ nguồn; có chỗ dùng văn kiện cũ đã được thay thế."],
        "recommendations": ["Đối chiếu lại với văn kiện gốc, trích dẫn nguyên văn và ghi rõ nguồn.",
                            "Cập nhật theo văn kiện mới nhất của Đảng trước khi lên lớp."],
    },
    "2.2": {
        "strengths": ["Nội dung chính xác, có hệ thống; làm rõ được trọng tâm của chuyên đề.",
                      "Lập luận chặt chẽ, các khái niệm được giải thích rõ ràng, dễ hiểu."],
        "shortcomings": ["Nội dung còn dàn trải, chưa làm rõ trọng tâm của chuyên đề.",
                         "Một số khái niệm giải thích chưa chính xác; số liệu chưa được kiểm tra, cập nhật."],
        "recommendations": ["Lựa chọn vấn đề gọn hơn, tập trung làm rõ trọng tâm của chuyên đề.",
                            "Rà soát lại khái niệm, số liệu trong bài giảng theo tài liệu chính thức."],
    },
    "2.3": {
        "strengths": ["Liên hệ sinh động với thực tiễn địa phương, có số liệu cụ thể của huyện.",
                      "Cập nhật kịp thời nghị quyết mới và kết quả thực hiện ở cơ sở."],
        "shortcomings": ["Liên hệ thực tiễn địa phương còn ít, chủ yếu nêu chung chung.",
                         "Chưa cập nhật các nghị quyết, chủ trương mới liên quan đến chuyên đề."],
        "recommendations": ["Bổ sung số liệu, ví dụ thực tiễn của huyện và các xã vào từng phần của bài giảng.",
                            "Cập nhật nghị quyết mới và kết quả thực hiện ở địa phương năm gần nhất."],
    },
    "2.4": {
        "strengths": ["Bài giảng có tính giáo dục cao, khơi dậy niềm tin và trách nhiệm của học viên."],
        "shortcomings": ["Chưa chú trọng rút ra bài học, định hướng hành động cho học viên."],
        "recommendations": ["Phần kết luận cần nêu rõ trách nhiệm của cán bộ, đảng viên ở cơ sở."],
    },
    "3.1": {
        "strengths": ["Tổ chức cho học viên thảo luận, đặt câu hỏi gợi mở; học viên tham gia tích cực.",
                      "Nêu tình huống thực tế ở cơ sở để học viên cùng phân tích, trao đổi."],
        "shortcomings": ["Chủ yếu thuyết trình một chiều, ít tương tác với học viên.",
                         "Câu hỏi nêu ra chưa được tổ chức thảo luận, giảng viên tự trả lời."],
        "recommendations": ["Tăng cường câu hỏi gợi mở, thảo luận nhóm, nêu tình huống để học viên tham gia.",
                            "Dành 10–15 phút để học viên trao đổi, liên hệ với công việc ở chi bộ."],
    },
    "3.2": {
        "strengths": ["Kết hợp nhuần nhuyễn thuyết trình, nêu vấn đề với trình chiếu, video minh họa."],
        "shortcomings": ["Phương pháp trình bày còn đơn điệu; trình chiếu chưa thực sự gắn với nội dung bài giảng.",
                         "Lạm dụng trình chiếu, giảng viên đọc lại nội dung trên slide."],
        "recommendations": ["Kết hợp đa dạng phương pháp; sử dụng trình chiếu đúng lúc, gắn với nội dung.",
                            "Bổ sung video, hình ảnh minh họa ngắn phù hợp với nội dung từng phần."],
    },
    "3.3": {
        "strengths": ["Trả lời câu hỏi của học viên thấu đáo, xử lý tình huống linh hoạt, thuyết phục."],
        "shortcomings": ["Trả lời một số câu hỏi của học viên chưa thấu đáo, chưa thuyết phục."],
        "recommendations": ["Chuẩn bị trước các câu hỏi học viên thường nêu và phương án trả lời."],
    },
    "4.1": {
        "strengths": ["Tác phong chững chạc, tự tin; ngôn ngữ trong sáng, truyền cảm.",
                      "Giọng giảng rõ ràng, có điểm nhấn; làm chủ được hội trường."],
        "shortcomings": ["Giọng giảng đều đều, thiếu điểm nhấn; còn phụ thuộc vào slide.",
                         "Còn dùng một số từ địa phương, nói nhanh ở phần đầu bài."],
        "recommendations": ["Luyện giọng, chủ động làm chủ nội dung, hạn chế nhìn slide đọc.",
                            "Điều chỉnh tốc độ nói, nhấn mạnh các ý chính."],
    },
    "4.2": {
        "strengths": ["Phân bổ thời gian hợp lý, bảo đảm tiến trình bài giảng."],
        "shortcomings": ["Phân bổ thời gian chưa hợp lý, phần cuối bài phải trình bày vội.",
                         "Kết thúc sớm hơn thời gian quy định khoảng 15 phút."],
        "recommendations": ["Phân bổ lại thời lượng từng phần trong giáo án, dành thời gian cho phần kết luận."],
    },
    "5.1": {
        "strengths": ["Học viên tiếp thu tốt, hứng thú; không khí lớp học sôi nổi.",
                      "Học viên nắm được nội dung cơ bản, có nhiều ý kiến trao đổi chất lượng."],
        "shortcomings": ["Một bộ phận học viên chưa tập trung, hiệu quả tiếp thu chưa cao."],
        "recommendations": ["Tăng tính hấp dẫn của bài giảng bằng ví dụ gần gũi với học viên ở cơ sở."],
    },
}
GENERAL_STRENGTHS = ["Giảng viên có nhiều cố gắng trong chuẩn bị và thực hiện bài giảng.",
                     "Bài giảng cơ bản bảo đảm nội dung theo chương trình."]
NO_SHORTCOMINGS = ["Không có tồn tại đáng kể.", "Cơ bản không có hạn chế; cần tiếp tục phát huy."]
NO_RECOMMENDATIONS = ["Tiếp tục phát huy; chia sẻ kinh nghiệm tại buổi sinh hoạt chuyên môn.",
                      "Có thể chọn bài giảng này để tham gia Hội thi giảng viên giỏi."]
# A lesson where the observers agree the content had serious errors (tính khoa học scored 0).
CRITICAL_ERROR = ("Có sai sót nghiêm trọng về nội dung: nhầm lẫn khái niệm cơ bản và số liệu trong phần trọng tâm "
                  "của chuyên đề.",
                  "Rà soát toàn bộ nội dung bài giảng với tài liệu chính thức; giảng thử lại trước Tổ chuyên môn.")

# Running notes (ghi chép diễn biến giờ giảng), one line per stage of the lesson.
NOTE_STAGES = [
    "{time} — Ổn định lớp, giới thiệu chuyên đề «{topic}», mục đích, yêu cầu.",
    "{time} — Phần I: cơ sở lý luận, khái niệm; trình chiếu sơ đồ, nêu câu hỏi mở đầu.",
    "{time} — Phần II: nội dung cơ bản của chuyên đề; {method}.",
    "{time} — Liên hệ thực tiễn: {local}.",
    "{time} — Giải đáp câu hỏi của học viên; kết luận, giao nội dung tự nghiên cứu.",
]
NOTE_METHODS = ["học viên thảo luận nhóm 10 phút", "nêu tình huống ở chi bộ để học viên phân tích",
                "chiếu video tư liệu 5 phút", "giảng viên thuyết trình, ít tương tác",
                "gọi 3 học viên phát biểu ý kiến"]
LOCAL_EXAMPLES = ["kết quả xây dựng nông thôn mới nâng cao của huyện",
                  "công tác phát triển đảng viên ở các chi bộ thôn, xóm",
                  "việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh ở cơ sở",
                  "sắp xếp đơn vị hành chính cấp xã năm 2025",
                  "chuyển đổi số ở các xã, thị trấn",
                  "phát huy giá trị Khu di tích Kim Liên",
                  "đánh giá, xếp loại chất lượng tổ chức cơ sở đảng cuối năm"]

# The debrief (rút kinh nghiệm) after the lesson and its conclusion by rating.
SELF_ASSESSMENTS = [
    "Giảng viên tự nhận xét đã chuẩn bị kỹ giáo án, slide; bảo đảm nội dung theo chương trình, song phần liên hệ "
    "thực tiễn còn ít.",
    "Giảng viên tự đánh giá đã hoàn thành mục tiêu bài giảng; phân bổ thời gian chưa thật hợp lý.",
    "Giảng viên tự nhận thấy phần tương tác với học viên còn hạn chế, sẽ rút kinh nghiệm.",
    "Giảng viên tự đánh giá bài giảng đạt yêu cầu, học viên tham gia tích cực.",
]
CONCLUSIONS = {
    "excellent": "Chủ trì kết luận: giờ giảng xếp loại Giỏi; đề nghị giảng viên chia sẻ kinh nghiệm tại buổi "
                 "sinh hoạt chuyên môn tháng tới.",
    "good": "Chủ trì kết luận: giờ giảng xếp loại Khá; giảng viên tiếp thu góp ý, chỉnh sửa giáo án, slide.",
    "satisfactory": "Chủ trì kết luận: giờ giảng xếp loại Trung bình; giảng viên cần khắc phục ngay các hạn chế "
                    "đã nêu.",
    "unsatisfactory": "Chủ trì kết luận: giờ giảng chưa đạt yêu cầu; giảng viên luyện giảng lại trước Tổ chuyên "
                      "môn, đơn vị tổ chức dự giờ lại.",
}
DISAGREEMENT_NOTE = ("Điểm của các thành viên dự giờ chênh lệch lớn; sau khi trao đổi, các thành viên giữ nguyên "
                     "điểm từng phiếu, kết quả lấy điểm trung bình.")
RETEACH_ACTION = "Luyện giảng lại chuyên đề trước Tổ chuyên môn; đơn vị tổ chức dự giờ lại trong vòng 30 ngày."
ACTION_DEADLINE = "(hạn: trước ngày {date})"

# The observed lecturer's responses, and the correction that followed a disputed result.
RESPONSES = {
    "acknowledge": ["Tôi tiếp thu toàn bộ ý kiến góp ý của các đồng chí dự giờ, sẽ chỉnh sửa giáo án và slide "
                    "trước đợt giảng tới.",
                    "Xin cảm ơn các đồng chí đã góp ý; tôi sẽ bổ sung phần liên hệ thực tiễn địa phương."],
    "disagree": ["Tôi đề nghị xem xét lại điểm tiêu chí 2.3: bài giảng đã liên hệ số liệu thực tiễn của huyện "
                 "năm 2025 (slide 14–16) nhưng phiếu tổng hợp ghi là chưa liên hệ thực tiễn."],
}
AMENDMENT_REASON = ("Xem xét ý kiến phản hồi của giảng viên: đối chiếu slide 14–16, bài giảng có liên hệ số liệu "
                    "thực tiễn của huyện. Ban Giám đốc thống nhất điều chỉnh điểm tiêu chí 2.3.")
CONFLICT_NOTE = "Anh chị em ruột"
